import { describe, expect, test } from "vitest";
import efi from "../../../fixtures/dmesg/arm64-cannot-allocate-512M-efi.txt?raw";
import arm64 from "../../../fixtures/dmesg/arm64-crashkernel-reserved-64M.txt?raw";
import ubuntu2004 from "../../../fixtures/dmesg/x86-ubuntu2004-reserving-192M.txt?raw";
import { parseDmesg } from "./dmesg.ts";
import { filterRelevantDmesg } from "./filter-relevant-dmesg.ts";

describe("filterRelevantDmesg", () => {
  test("keeps the kdump lines verbatim and drops the rest", () => {
    const f = filterRelevantDmesg(arm64);
    expect(f.text).toBe(
      "[    0.000000] Memory limited to 863MB\n[    0.000000] crashkernel reserved: 0x0000000031e00000 - 0x0000000035e00000 (64 MB)",
    );
    expect([f.kept, f.dropped, f.truncated]).toEqual([2, 4, false]);
  });

  test.each([
    ["ubuntu 20.04", ubuntu2004],
    ["arm64 efi", efi],
  ])("parseDmesg reads the same findings from the filtered log (%s)", (_name, text) => {
    const strip = (v: ReturnType<typeof parseDmesg>["value"]) => ({
      reserved: v.reservations.map((r) => [r.region, r.baseBytes, r.sizeBytes, r.text]),
      failures: v.failures.map((x) => [x.code, x.text]),
      ram: v.systemRam?.bytes,
      cmdline: v.commandLine?.cmdline,
    });
    expect(strip(parseDmesg(filterRelevantDmesg(text).text).value)).toEqual(strip(parseDmesg(text).value));
  });

  test.each([
    "[    0.000000] Linux version 6.8.0-45-generic (buildd@lcy02-amd64-115)",
    "[    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz ro crashkernel=512M-:192M",
    "[    0.000000] Memory: 8049316K/8388020K available (16384K kernel code)",
    "[    0.000000] secureboot: Secure boot enabled",
    "[    0.000000] Kernel is locked down from EFI Secure Boot mode; see man kernel_lockdown.7",
    "[  512.331208] Lockdown: kexec: kexec of unsigned images is restricted; see man kernel_lockdown.7",
    "[  235.080620] sysrq: Trigger a crash",
    "[  235.080633] Kernel panic - not syncing: sysrq triggered crash",
    "[    0.000000] fadump: Reserved 4096MB of memory at 0x00000040000000 (System RAM: 65536MB)",
    "[    5.1] PEFILE: Unsigned PE binary",
    "[    0.000000] Memory value expected",
    "[    0.000000] crahskernel: Memory value expected after '@'",
    "[    0.000000]   node   0: [mem 0x0000000100000000-0x000000023fffffff]",
    "[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000023fffffff] usable",
  ])("keeps %s", (line) => {
    expect(filterRelevantDmesg(`[    0.1] noise\n${line}\n[    0.2] more noise`).text).toBe(line);
  });

  test("drops the memory map's reserved ranges: only RAM tells where memory is", () => {
    expect(
      filterRelevantDmesg("[    0.000000] BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved")
        .kept,
    ).toBe(0);
  });

  test("caps the output, keeping the first and the last relevant lines", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `[ ${i}.0] sysrq: event ${i}`);
    const f = filterRelevantDmesg(lines.join("\n"), { maxLines: 10 });
    const kept = f.text.split("\n");
    expect(kept).toHaveLength(10);
    expect(kept[0]).toBe(lines[0]);
    expect(kept[9]).toBe(lines[4999]);
    expect(f.truncated).toBe(true);
    const small = filterRelevantDmesg(lines.join("\n"), { maxChars: 2048 });
    expect(small.text.length).toBeLessThanOrEqual(2048);
    expect(small.truncated).toBe(true);
  });
});
