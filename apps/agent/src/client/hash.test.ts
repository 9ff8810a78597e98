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

  test("ignores meminfo lines that move every second but not a change of MemTotal", () => {
    const at = (free: string, total = "16314852") => ({
      meminfo: { ok: true as const, text: `MemTotal:       ${total} kB\nMemFree:         ${free} kB\n` },
    });
    expect(hashSources(at("812340"))).toBe(hashSources(at("799112")));
    expect(hashSources(at("812340"))).not.toBe(hashSources(at("812340", "8157426")));
  });

  test("compares df free space at about 0.5 % but sees a filling disk", () => {
    const df = (avail: number) => ({
      df_dump_dir: {
        ok: true as const,
        text: `Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 102400000 ${102400000 - avail} ${avail} 50% /\n`,
      },
    });
    expect(hashSources(df(51_234_567))).toBe(hashSources(df(51_230_011)));
    expect(hashSources(df(51_234_567))).not.toBe(hashSources(df(40_000_000)));
  });
});
