import { describe, expect, test } from "vitest";
import size0 from "../../../fixtures/sysfs/sys-kernel-kexec_crash_size-0.txt?raw";
import size128 from "../../../fixtures/sysfs/sys-kernel-kexec_crash_size-128M.txt?raw";
import { parseKexecCrashSize } from "./kexec-crash-size.ts";

describe("parseKexecCrashSize", () => {
  test.each<[string, string, number | string | null, string[]]>([
    ["fixture sys-kernel-kexec_crash_size-128M", size128, 134217728, []],
    ["fixture sys-kernel-kexec_crash_size-0", size0, 0, []],
    ["CRLF", "536870912\r\n", 536870912, []],
    ["empty (read failed half-way)", "", null, ["empty"]],
    ["not a number", "busy\n", null, ["not-a-byte-count"]],
    ["negative", "-1\n", null, ["negative"]],
    ["two numbers", "1 2\n", null, ["not-a-byte-count"]],
    ["2^53 + 1 stays exact", "9007199254740993\n", "9007199254740993", []],
    ["the largest unsigned 64-bit value", "18446744073709551615\n", "18446744073709551615", []],
    ["beyond 64 bits", "18446744073709551616\n", null, ["not-a-byte-count"]],
  ])("%s", (_name, text, bytes, codes) => {
    const r = parseKexecCrashSize(text);
    expect(r.value.bytes).toBe(bytes);
    expect(r.issues.map((i) => i.code)).toEqual(codes);
  });
});
