import { expect, test } from "vitest";
import { enrollCommands, shellQuote, TOKEN_PLACEHOLDER } from "./enroll.ts";

test("the commands carry the server URL and the token", () => {
  const c = enrollCommands("https://kdw.example.com/", "kdw_enr_abc123");
  expect(c.run).toBe(
    "node kdumpwatch-agent.cjs run --server https://kdw.example.com --enroll-token kdw_enr_abc123",
  );
  expect(c.install).toBe(
    "sudo ./install-agent.sh --server https://kdw.example.com --enroll-token kdw_enr_abc123",
  );
  expect(c.createToken).toBe("kdumpwatch-server token create --uses 100 --ttl 24h");
});

test("without a token the commands show a placeholder to replace", () => {
  expect(enrollCommands("http://10.0.0.1:8080", null).run).toContain(`--enroll-token ${TOKEN_PLACEHOLDER}`);
});

test("a pasted value can never run anything in the shell", () => {
  expect(shellQuote("http://x; rm -rf /")).toBe("'http://x; rm -rf /'");
  expect(shellQuote("it's$(id)")).toBe(`'it'\\''s$(id)'`);
  expect(shellQuote("http://kdw:8080/path")).toBe("http://kdw:8080/path");
});
