import { describe, expect, test } from "vitest";
import { signBody, verifySignature } from "./sign.ts";

describe("request signature", () => {
  test("is sha256= and the hex HMAC-SHA256 of the body (RFC 4231-style known vector)", () => {
    expect(signBody("The quick brown fox jumps over the lazy dog", "key")).toBe(
      "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    );
  });

  test("verifies the exact body only", () => {
    const body = '{"version":"4"}';
    const sig = signBody(body, "s3cret");
    expect(verifySignature(body, sig, "s3cret")).toBe(true);
    expect(verifySignature(`${body} `, sig, "s3cret"), "body changed").toBe(false);
    expect(verifySignature(body, sig, "other"), "other secret").toBe(false);
    expect(verifySignature(body, undefined, "s3cret"), "header missing").toBe(false);
    expect(verifySignature(body, "sha256=00", "s3cret"), "short header").toBe(false);
  });
});
