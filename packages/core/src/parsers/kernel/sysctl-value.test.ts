import { describe, expect, test } from "vitest";
import rhelSystem from "../../../fixtures/sysrq/rhel-sysctl-system-excerpt.txt?raw";
import { parseSysctlValue } from "./sysctl-value.ts";

describe("parseSysctlValue", () => {
  test.each<[string, string, string | undefined, number | null, string[]]>([
    ["a /proc/sys value", "1\n", undefined, 1, []],
    ["a negative limit", "-1\n", "kernel.kexec_load_limit_panic", -1, []],
    ["hex", "0x10", undefined, 16, []],
    ["leading-0 octal, as proc_dointvec reads it", "010", undefined, 8, []],
    ["sysctl -a form", "kernel.panic_on_oops = 1\n", "kernel.panic_on_oops", 1, []],
    ["slash key form", "kernel/panic_on_oops=0", "kernel.panic_on_oops", 0, []],
    ["the last applied line wins", "kernel.panic = 10\nkernel.panic = 0\n", "kernel.panic", 0, []],
    ["fixture rhel-sysctl-system-excerpt", rhelSystem, "kernel.core_uses_pid", 1, []],
    ["key missing", rhelSystem, "kernel.panic", null, ["key-not-found"]],
    ["several keys, none asked for", rhelSystem, undefined, null, ["ambiguous"]],
    ["a vector sysctl", "4\t4\t1\t7", undefined, null, ["not-an-integer"]],
    ["empty", "", undefined, null, ["empty"]],
    ["CRLF", "kernel.panic = 5\r\n", "kernel.panic", 5, ["crlf"]],
  ])("%s", (_name, text, key, value, codes) => {
    const r = parseSysctlValue(text, key);
    expect(r.value.value).toBe(value);
    expect(r.issues.map((i) => i.code)).toEqual(codes);
  });
});
