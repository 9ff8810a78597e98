import { describe, expect, test } from "vitest";
import integrity from "../../../fixtures/sysfs/sys-kernel-security-lockdown-integrity.txt?raw";
import none from "../../../fixtures/sysfs/sys-kernel-security-lockdown-none.txt?raw";
import { parseLockdown } from "./lockdown.ts";

describe("parseLockdown", () => {
  test.each<[string, string, string | null, boolean | null, string[]]>([
    ["fixture sys-kernel-security-lockdown-integrity", integrity, "integrity", true, []],
    ["fixture sys-kernel-security-lockdown-none", none, "none", false, []],
    ["confidentiality", "none integrity [confidentiality]\n", "confidentiality", true, []],
    ["no brackets", "none integrity confidentiality", null, null, ["no-active-level"]],
    ["empty", "", null, null, ["no-active-level"]],
    ["unknown level", "none [paranoid]", null, null, ["unknown-level", "no-active-level"]],
  ])("%s", (_name, text, active, restricts, codes) => {
    const r = parseLockdown(text);
    expect(r.value.active).toBe(active);
    expect(r.value.restrictsKexec).toBe(restricts);
    expect(r.issues.map((i) => i.code)).toEqual(codes);
  });
});
