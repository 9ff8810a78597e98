import { describe, expect, test } from "vitest";
import loaded0 from "../../../fixtures/sysfs/sys-kernel-kexec_crash_loaded-0.txt?raw";
import loaded1 from "../../../fixtures/sysfs/sys-kernel-kexec_crash_loaded-1.txt?raw";
import { parseKexecCrashLoaded } from "./kexec-crash-loaded.ts";

describe("parseKexecCrashLoaded", () => {
  test.each<[string, string, boolean | null]>([
    ["fixture sys-kernel-kexec_crash_loaded-1", loaded1, true],
    ["fixture sys-kernel-kexec_crash_loaded-0", loaded0, false],
    ["no newline", "1", true],
    ["2 is no flag", "2\n", null],
    ["empty", "", null],
    ["text", "yes", null],
  ])("%s", (_name, text, loaded) => {
    expect(parseKexecCrashLoaded(text).value.loaded).toBe(loaded);
  });
});
