import { describe, expect, test } from "vitest";
import rhel from "../../../fixtures/other/sysconfig-kdump-rhel-sample.txt?raw";
import { parseSysconfigKdump } from "./sysconfig-kdump.ts";

describe("parseSysconfigKdump", () => {
  test("EL sample: flavour el, command line edits read, no tool crashkernel", () => {
    const { value, issues } = parseSysconfigKdump(rhel);
    expect(issues).toEqual([]);
    expect(value.flavour).toBe("el");
    expect(value.commandlineRemove.value).toBe("hugepages hugepagesz slub_debug quiet");
    expect(value.kexecArgs.value).toBe("--elf32-core-headers");
    expect(value.toolCrashkernelAuto).toBe(false);
  });

  test('trap 18: SUSE KDUMP_CRASHKERNEL="auto" is a tool setting, kept apart from kernel crashkernel= values', () => {
    const text = 'KDUMP_CRASHKERNEL="auto"\nKDUMP_SAVEDIR="file:///var/crash"\nKDUMP_KEEP_OLD_DUMPS=5\n';
    const { value } = parseSysconfigKdump(text);
    expect(value.flavour).toBe("suse");
    expect(value.toolCrashkernel).toEqual({
      value: "auto",
      fromFile: true,
      line: 1,
      text: 'KDUMP_CRASHKERNEL="auto"',
    });
    expect(value.toolCrashkernelAuto).toBe(true);
    expect(value.saveDir.value).toBe("file:///var/crash");
    expect(value.keepOldDumps.value).toBe("5");
    expect(value.freeDiskSize).toEqual({ value: "64", fromFile: false, line: null, text: null });
  });

  test("SUSE with an explicit KDUMP_CRASHKERNEL is not auto", () => {
    const { value } = parseSysconfigKdump('KDUMP_CRASHKERNEL="256M,high 72M,low"\n');
    expect(value.toolCrashkernelAuto).toBe(false);
    expect(value.toolCrashkernel.value).toBe("256M,high 72M,low");
  });
});
