import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkSysrqKeyboardCrash, sysrqAllowsKeyboardCrash } from "./sysrq-keyboard-crash.ts";

describe("sysrq.keyboard-crash (R12)", () => {
  test.each([
    [0, false],
    [1, true],
    [8, true],
    [16, false], // RHEL default
    [64, false], // the bit a public note wrongly named
    [176, false], // Ubuntu default
    [438, false], // 256+128+32+16+4+2
    [446, true], // ... + 8
  ])("trap 15: sysrq=%i allows keyboard crash: %s", (value, expected) => {
    expect(sysrqAllowsKeyboardCrash(value)).toBe(expected);
  });

  test.each([0, 1, 176, null])("trap 15: is information only, never a warning (value %s)", (value) => {
    const r = checkSysrqKeyboardCrash(readyUbuntu({ sysrq: { value, keyboardCrash: null } }));
    expect(r.status).toBe("info");
    expect(r.summary).toContain("/proc/sysrq-trigger works regardless");
    expect(r.remediation).toBeUndefined();
  });

  test("Ubuntu's 176 reports the keyboard path as unavailable", () => {
    expect(checkSysrqKeyboardCrash(readyUbuntu()).summary).toMatch(
      /^kernel.sysrq=176: console Alt-SysRq-C is unavailable/,
    );
  });
});
