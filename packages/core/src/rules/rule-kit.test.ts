import { describe, expect, test } from "vitest";
import { checkResult, formatBytes, GiB, MAX_EVIDENCE, MiB } from "./rule-kit.ts";

describe("checkResult", () => {
  test("drops remediation on pass and info", () => {
    expect(checkResult("crash.dumps", "pass", "ok", [], ["x"]).remediation).toBeUndefined();
    expect(checkResult("crash.dumps", "info", "ok", [], ["x"]).remediation).toBeUndefined();
  });

  test("keeps remediation on warn, fail and unknown, and never leaves it empty", () => {
    expect(checkResult("crash.dumps", "warn", "w", [], ["do this"]).remediation).toEqual(["do this"]);
    expect(checkResult("crash.dumps", "fail", "f", []).remediation?.length).toBe(1);
    expect(checkResult("crash.dumps", "unknown", "u", []).remediation?.length).toBe(1);
  });

  test("removes duplicate evidence lines and caps their number", () => {
    const same = { source: "dmesg", text: "a" };
    expect(checkResult("crash.dumps", "pass", "s", [same, same]).evidence).toEqual([same]);
    const many = Array.from({ length: 80 }, (_, i) => ({ source: "dmesg", text: `line ${i}` }));
    expect(checkResult("crash.dumps", "pass", "s", many).evidence).toHaveLength(MAX_EVIDENCE);
  });
});

describe("formatBytes", () => {
  test.each([
    [192 * MiB, "192 MiB"],
    [4 * GiB, "4 GiB"],
    [1.5 * GiB, "1.5 GiB"],
    [50003336 * 1024, "47.7 GiB"],
    [2048, "2 KiB"],
    [12, "12 bytes"],
  ])("%i → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
