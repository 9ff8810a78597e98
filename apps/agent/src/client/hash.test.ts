import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { hashSources } from "./hash.ts";

describe("hashSources", () => {
  test("is the sha256 hex of the canonical JSON, keys sorted at every depth", () => {
    const sources = {
      meminfo: { text: "MemTotal: 1 kB", ok: true as const },
      cmdline: { ok: true as const, text: "x" },
    };
    const canonical = '{"cmdline":{"ok":true,"text":"x"},"meminfo":{"ok":true,"text":"MemTotal: 1 kB"}}';
    expect(hashSources(sources)).toBe(createHash("sha256").update(canonical, "utf8").digest("hex"));
  });

  test("does not depend on key order, and changes when any text changes", () => {
    const a = hashSources({ a: { ok: true, text: "1" }, b: { ok: false, error: "missing" } });
    const b = hashSources({ b: { error: "missing", ok: false }, a: { text: "1", ok: true } });
    const c = hashSources({ a: { ok: true, text: "2" }, b: { ok: false, error: "missing" } });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});
