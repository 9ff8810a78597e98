import { describe, expect, test } from "vitest";
import { checkResult, formatBytes, GiB, MAX_EVIDENCE, MiB } from "./rule-kit.ts";

describe("checkResult", () => {
  test("drops remediation on pass and info", () => {
    expect(
      checkResult({ id: "crash.dumps", status: "pass", summary: "ok", evidence: [], remediation: ["x"] })
        .remediation,
    ).toBeUndefined();
    expect(
      checkResult({ id: "crash.dumps", status: "info", summary: "ok", evidence: [], remediation: ["x"] })
        .remediation,
    ).toBeUndefined();
  });

  test("keeps remediation on warn, fail and unknown, and never leaves it empty", () => {
    expect(
      checkResult({ id: "crash.dumps", status: "warn", summary: "w", evidence: [], remediation: ["do this"] })
        .remediation,
    ).toEqual(["do this"]);
    expect(
      checkResult({ id: "crash.dumps", status: "fail", summary: "f", evidence: [] }).remediation?.length,
    ).toBe(1);
    expect(
      checkResult({ id: "crash.dumps", status: "unknown", summary: "u", evidence: [] }).remediation?.length,
    ).toBe(1);
  });

  test("removes duplicate evidence lines and caps their number", () => {
    const same = { source: "dmesg", text: "a" };
    expect(
      checkResult({ id: "crash.dumps", status: "pass", summary: "s", evidence: [same, same] }).evidence,
    ).toEqual([same]);
    const many = Array.from({ length: 80 }, (_, i) => ({ source: "dmesg", text: `line ${i}` }));
    expect(
      checkResult({ id: "crash.dumps", status: "pass", summary: "s", evidence: many }).evidence,
    ).toHaveLength(MAX_EVIDENCE);
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
