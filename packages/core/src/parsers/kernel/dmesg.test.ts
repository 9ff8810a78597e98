import { anyText } from "@kdumpwatch/testkit/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import arm64CannotAllocate4G from "../../../fixtures/dmesg/arm64-cannot-allocate-4G.txt?raw";
import arm64CannotAllocate512MEfi from "../../../fixtures/dmesg/arm64-cannot-allocate-512M-efi.txt?raw";
import arm64CrashkernelReserved64M from "../../../fixtures/dmesg/arm64-crashkernel-reserved-64M.txt?raw";
import arm64HighWithKexecCorePrefix from "../../../fixtures/dmesg/arm64-high-with-kexec-core-prefix.txt?raw";
import arm64LowAndHighX86Style from "../../../fixtures/dmesg/arm64-low-and-high-x86-style.txt?raw";
import constructedArm64LegacyFixedBaseFailures from "../../../fixtures/dmesg/constructed-arm64-legacy-fixed-base-failures.txt?raw";
import constructedGenericFailures from "../../../fixtures/dmesg/constructed-generic-failures.txt?raw";
import constructedLockdownKexec from "../../../fixtures/dmesg/constructed-lockdown-kexec.txt?raw";
import constructedParserWarnings from "../../../fixtures/dmesg/constructed-parser-warnings.txt?raw";
import constructedPpc64Fadump from "../../../fixtures/dmesg/constructed-ppc64-fadump.txt?raw";
import constructedPpc64Legacy from "../../../fixtures/dmesg/constructed-ppc64-legacy.txt?raw";
import constructedRiscvLegacy from "../../../fixtures/dmesg/constructed-riscv-legacy.txt?raw";
import constructedS390x from "../../../fixtures/dmesg/constructed-s390x.txt?raw";
import constructedX86LegacyFailures from "../../../fixtures/dmesg/constructed-x86-legacy-failures.txt?raw";
import genericLowHighCma from "../../../fixtures/dmesg/generic-low-high-cma.txt?raw";
import panicSysrqKdumpLoadedUbuntu from "../../../fixtures/dmesg/panic-sysrq-kdump-loaded-ubuntu.txt?raw";
import panicSysrqOldFormat from "../../../fixtures/dmesg/panic-sysrq-old-format.txt?raw";
import riscvGenericLowAndHigh from "../../../fixtures/dmesg/riscv-generic-low-and-high.txt?raw";
import securebootLockdownBoot from "../../../fixtures/dmesg/secureboot-lockdown-boot.txt?raw";
import securebootLockdownJournalPrefix from "../../../fixtures/dmesg/secureboot-lockdown-journal-prefix.txt?raw";
import x86Centos8Auto160M from "../../../fixtures/dmesg/x86-centos8-auto-160M.txt?raw";
import x86GenericLowHighMemblockDebug from "../../../fixtures/dmesg/x86-generic-low-high-memblock-debug.txt?raw";
import x86GenericUbuntu2604320M from "../../../fixtures/dmesg/x86-generic-ubuntu2604-320M.txt?raw";
import x86OldLaptop64MAt32M from "../../../fixtures/dmesg/x86-old-laptop-64M-at-32M.txt?raw";
import x86RhelLog131M from "../../../fixtures/dmesg/x86-rhel-log-131M.txt?raw";
import x86UbuntuDocReserving64M from "../../../fixtures/dmesg/x86-ubuntu-doc-reserving-64M.txt?raw";
import x86Ubuntu2004Reserving192M from "../../../fixtures/dmesg/x86-ubuntu2004-reserving-192M.txt?raw";
import { isByteCount } from "../../byte-count.ts";
import { parseDmesg } from "./dmesg.ts";
import type { DmesgReport } from "./dmesg-report.ts";

const M = 1024 * 1024;

interface Summary {
  reserved: string[];
  failures: string[];
  parser: string[];
  ramMb: number | null;
  events: string[];
}

function summarize(v: DmesgReport): Summary {
  return {
    reserved: v.reservations.map(
      (r) =>
        `${r.region} ${r.format} ${r.baseBytes === null ? "-" : `0x${BigInt(r.baseBytes).toString(16)}`}+${Number(r.sizeBytes) / M}M${r.cancelledBy ? " cancelled" : ""}`,
    ),
    failures: v.failures.map((f) =>
      f.sizeBytes === null ? f.code : `${f.code} ${Number(f.sizeBytes) / M}M`,
    ),
    parser: v.parserMessages.map((p) => (p.char === null ? p.code : `${p.code} ${p.char}`)),
    ramMb: v.systemRam?.megabytes ?? null,
    events: [
      ...v.lockdown.map((l) => `${l.kind}: ${l.detail}${l.kexec ? " (kexec)" : ""}`),
      ...v.sysrq.map((s) => `sysrq: ${s.action}`),
      ...v.panics.map((p) => `panic: ${p.reason}`),
      ...v.kdumpLoaded.map(() => "Kdump: loaded"),
    ],
  };
}

const none = { reserved: [], failures: [], parser: [], ramMb: null, events: [] };

describe("parseDmesg over the real and constructed fixtures", () => {
  test.each<[string, string, Partial<Summary>]>([
    [
      "x86-ubuntu2004-reserving-192M",
      x86Ubuntu2004Reserving192M,
      { reserved: ["main legacy 0xb3000000+192M"], ramMb: 8191 },
    ],
    [
      "x86-ubuntu-doc-reserving-64M",
      x86UbuntuDocReserving64M,
      { reserved: ["main legacy 0x32000000+64M"], ramMb: 1023 },
    ],
    ["x86-centos8-auto-160M", x86Centos8Auto160M, { reserved: ["main legacy 0x2b000000+160M"], ramMb: 2047 }],
    [
      "x86-rhel-log-131M (syslog prefix)",
      x86RhelLog131M,
      { reserved: ["main legacy 0x3000000+131M"], ramMb: 33792 },
    ],
    [
      "x86-old-laptop-64M-at-32M",
      x86OldLaptop64MAt32M,
      { reserved: ["main legacy 0x2000000+64M"], ramMb: 1916 },
    ],
    [
      "x86-generic-ubuntu2604-320M",
      x86GenericUbuntu2604320M,
      { reserved: ["main generic 0x60000000+320M"], ramMb: null },
    ],
    [
      "x86-generic-low-high-memblock-debug",
      x86GenericLowHighMemblockDebug,
      { reserved: ["low generic 0x49000000+256M", "main generic 0xc01f000000+512M"] },
    ],
    [
      "riscv-generic-low-and-high",
      riscvGenericLowAndHigh,
      { reserved: ["low generic 0xf8000000+128M", "main generic 0x177e00000+4096M"] },
    ],
    [
      "generic-low-high-cma",
      genericLowHighCma,
      { reserved: ["low generic 0xe8000000+128M", "main generic 0x23e600000+4096M", "cma cma -+64M"] },
    ],
    [
      "arm64-crashkernel-reserved-64M",
      arm64CrashkernelReserved64M,
      { reserved: ["main generic 0x31e00000+64M"] },
    ],
    [
      "arm64-high-with-kexec-core-prefix",
      arm64HighWithKexecCorePrefix,
      { reserved: ["low legacy 0xde800000+256M", "main generic 0xbc5a00000+886M"] },
    ],
    [
      "arm64-low-and-high-x86-style",
      arm64LowAndHighX86Style,
      { reserved: ["low legacy 0xb0000000+256M", "main legacy 0x9fb4e00000+786M"], ramMb: 130816 },
    ],
    ["arm64-cannot-allocate-4G", arm64CannotAllocate4G, { ...none, failures: ["cannot-allocate 4096M"] }],
    [
      "arm64-cannot-allocate-512M-efi",
      arm64CannotAllocate512MEfi,
      { ...none, failures: ["cannot-allocate 512M"] },
    ],
    [
      "constructed-arm64-legacy-fixed-base-failures",
      constructedArm64LegacyFixedBaseFailures,
      { ...none, failures: ["fixed-base-rejected", "fixed-base-rejected", "fixed-base-rejected"] },
    ],
    [
      "constructed-generic-failures",
      constructedGenericFailures,
      {
        ...none,
        failures: [
          "cannot-allocate 1024M",
          "memory-in-use",
          "low-reserve-failed 256M",
          "cma-partial 512M",
          "cma-unsupported",
        ],
      },
    ],
    [
      "constructed-x86-legacy-failures",
      constructedX86LegacyFailures,
      {
        reserved: ["low legacy 0xc0000000+256M"],
        failures: ["no-suitable-area", "memory-in-use", "low-reserve-failed 256M", "xen-pv-ignored"],
      },
    ],
    [
      "constructed-parser-warnings",
      constructedParserWarnings,
      {
        ...none,
        parser: [
          "memory-value-expected",
          "unrecognized-char B",
          "range-value-expected",
          "dash-expected",
          "colon-expected",
          "end-before-start",
          "invalid-size",
          "offset-value-expected",
          "zero-bytes",
        ],
      },
    ],
    [
      "constructed-ppc64-legacy",
      constructedPpc64Legacy,
      {
        reserved: ["main legacy 0x8000000+1024M cancelled"],
        failures: ["ppc-cancelled", "ppc-overlap", "ppc-alignment"],
        ramMb: 65536,
      },
    ],
    [
      "constructed-ppc64-fadump",
      constructedPpc64Fadump,
      { reserved: ["fadump fadump 0x40000000+4096M"], ramMb: 65536 },
    ],
    [
      "constructed-s390x",
      constructedS390x,
      {
        reserved: ["main legacy 0xf0000000+256M"],
        failures: ["s390-failed", "s390-failed", "s390-failed"],
        ramMb: 4096,
      },
    ],
    [
      "constructed-riscv-legacy",
      constructedRiscvLegacy,
      { ...none, failures: ["riscv-failed", "riscv-failed 512M"] },
    ],
    [
      "constructed-lockdown-kexec",
      constructedLockdownKexec,
      { ...none, events: ["restricted: kexec of unsigned images (kexec)"] },
    ],
    [
      "secureboot-lockdown-boot",
      securebootLockdownBoot,
      { ...none, events: ["secure-boot: enabled", "locked-down: EFI Secure Boot mode"] },
    ],
    [
      "secureboot-lockdown-journal-prefix",
      securebootLockdownJournalPrefix,
      { ...none, events: ["locked-down: EFI Secure Boot", "secure-boot: enabled"] },
    ],
    [
      "panic-sysrq-kdump-loaded-ubuntu",
      panicSysrqKdumpLoadedUbuntu,
      { ...none, events: ["sysrq: Trigger a crash", "panic: sysrq triggered crash", "Kdump: loaded"] },
    ],
    ["panic-sysrq-old-format", panicSysrqOldFormat, { ...none, events: ["sysrq: Trigger a crash"] }],
  ])("%s", (_name, text, expected) => {
    const r = parseDmesg(text);
    expect(summarize(r.value)).toMatchObject(expected);
    expect(r.value.unrecognized, "every crashkernel line is understood").toEqual([]);
    expect(r.issues).toEqual([]);
  });

  test("the boot command line and the kernel's own line text and number are kept as evidence", () => {
    const v = parseDmesg(x86Ubuntu2004Reserving192M).value;
    expect(v.commandLine?.cmdline).toMatch(/crashkernel=512M-:192M$/);
    expect(v.commandLine?.line).toBe(3);
    expect(v.reservations[0]).toMatchObject({
      line: 2,
      text: "[    0.006128] Reserving 192MB of memory at 2864MB for crashkernel (System RAM: 8191MB)",
    });
  });
});

describe("parseDmesg line prefixes (domain.md §2.4)", () => {
  const message = "crashkernel reserved: 0x0000000060000000 - 0x0000000074000000 (320 MB)";
  test.each([
    ["bare", message],
    ["dmesg timestamp", `[    0.004623] ${message}`],
    ["printk caller id", `[    0.004210][    T0] ${message}`],
    ["printk caller id, CPU context", `[    0.004210][    C1] ${message}`],
    ["syslog", `Apr  1 13:49:44 host kernel: ${message}`],
    ["journal short", `Apr 01 13:49:44 host kernel: ${message}`],
    ["journal short-monotonic", `[    0.893581] kernel: ${message}`],
    ["kern.log with timestamp", `Apr  1 13:49:44 host kernel: [    0.004623] ${message}`],
    ["rsyslog ISO", `2025-04-01T13:49:44.123456+02:00 host kernel: ${message}`],
    ["dmesg --time-format=iso", `2025-04-01T13:49:44,123456+02:00 ${message}`],
    ["dmesg -T", `[Tue Apr  1 13:49:44 2025] ${message}`],
    ["dmesg -x", `kern  :info  : [    0.004623] ${message}`],
    ["/dev/kmsg priority", `<6>[    0.004623] ${message}`],
    ["pr_fmt prefix", `[    0.004623] kexec_core: ${message}`],
    ["CRLF", `[    0.004623] ${message}\r`],
  ])("%s", (_name, line) => {
    const v = parseDmesg(line).value;
    expect(v.reservations.map((r) => [r.baseBytes, r.sizeBytes])).toEqual([[0x60000000, 320 * M]]);
    expect(v.reservations[0]?.text, "evidence keeps the original line").toBe(line.replace(/\r$/, ""));
  });

  test("a line from another program in syslog is not taken for a kernel line", () => {
    expect(parseDmesg(`Apr  1 13:49:44 host myapp[12]: ${message}`).value.reservations).toEqual([]);
  });
});

describe("parseDmesg traps", () => {
  test("trap 6: low and high regions are two lines and two reservations", () => {
    const v = parseDmesg(x86GenericLowHighMemblockDebug).value;
    expect(v.reservations.map((r) => r.region)).toEqual(["low", "main"]);
    expect(v.reservations.reduce((n, r) => n + Number(r.sizeBytes), 0)).toBe(768 * M);
  });

  test("trap 7: the generic line prints an exclusive end, so size = end - base exactly", () => {
    const v = parseDmesg("crashkernel low memory reserved: 0xf8000000 - 0x100000000 (128 MB)").value;
    expect(v.reservations[0]).toMatchObject({
      baseBytes: 0xf8000000,
      endBytes: 0x100000000,
      sizeBytes: 128 * M,
    });
  });

  test("trap 8: ppc legacy prints 'Reserving …' before it can fail; the failure cancels it", () => {
    const v = parseDmesg(constructedPpc64Legacy).value;
    expect(v.reservations[0]?.cancelledBy).toEqual({
      line: 2,
      text: "[    0.000000] Failed to reserve memory for crashkernel!",
    });
    const ok = parseDmesg("Reserving 1024MB of memory at 128MB for crashkernel (System RAM: 65536MB)").value;
    expect(ok.reservations[0]?.cancelledBy).toBe(null);
  });

  test("trap 9: a log without failure lines reports no failure and no reservation – absence is not success", () => {
    const v = parseDmesg(
      "[    0.000000] Linux version 6.8.0-45-generic (buildd@lcy02)\n[    0.1] Zone ranges:\n",
    ).value;
    expect([v.reservations, v.failures, v.parserMessages]).toEqual([[], [], []]);
    expect(v.kernelRelease).toBe("6.8.0-45-generic");
  });

  test("trap 17 (part): a lockdown refusal is told apart from other kexec errors", () => {
    const v = parseDmesg(
      "[  512.3] Lockdown: kexec: kexec of unsigned images is restricted; see man kernel_lockdown.7\n[  512.4] kexec_file: kernel signature verification failed (-129).\n[  512.5] Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7",
    ).value;
    expect(v.lockdown.map((l) => [l.kind, l.kexec])).toEqual([
      ["restricted", true],
      ["restricted", false],
    ]);
    expect(v.kexecMessages.map((l) => l.line)).toEqual([2]);
  });
});

describe("parseDmesg robustness", () => {
  test("only the last boot of a multi-boot kern.log is read, and the others are counted", () => {
    const log = [
      "Apr  1 10:00:00 h kernel: [    0.000000] Linux version 5.15.0-60-generic (b@x)",
      "Apr  1 10:00:00 h kernel: [    0.000000] Reserving 192MB of memory at 2864MB for crashkernel (System RAM: 8191MB)",
      "Apr  2 10:00:00 h kernel: [    0.000000] Linux version 5.15.0-69-generic (b@x)",
      "Apr  2 10:00:00 h kernel: [    0.000000] crashkernel: unrecognized char: B",
    ].join("\n");
    const r = parseDmesg(log);
    expect(r.value.kernelRelease).toBe("5.15.0-69-generic");
    expect(r.value.reservations).toEqual([]);
    expect(r.value.parserMessages.map((p) => p.line)).toEqual([4]);
    expect(r.value.earlierBoots).toBe(1);
    expect(r.issues.map((i) => i.code)).toEqual(["earlier-boots-ignored"]);
  });

  test("an unknown line about crashkernel is kept and reported, so new formats get noticed", () => {
    const r = parseDmesg("[    0.0] crashkernel: something new happened");
    expect(r.value.unrecognized.map((u) => u.line)).toEqual([1]);
    expect(r.issues.map((i) => i.code)).toEqual(["unrecognized-crashkernel-line"]);
  });

  test("huge input is capped and reported as truncated", () => {
    const line = "[    0.1] filler line that matters to nobody\n";
    const r = parseDmesg(line.repeat(150_000));
    expect(r.value.lineCount).toBe(100_000);
    expect(r.issues.map((i) => i.code)).toContain("truncated");
  });

  test("never throws and keeps line numbers within the input", () => {
    const fragments = fc.constantFrom(
      "crashkernel reserved: 0x",
      "Reserving ",
      "MB of memory at ",
      " for crashkernel (System RAM: ",
      "ffffffffffffffff",
      "99999999999999999999",
      "[    0.0] ",
      "kernel: ",
      "Linux version ",
      "\n",
      "\r\n",
      "\uFFFD",
      "Failed to reserve memory for crashkernel!",
    );
    fc.assert(
      fc.property(
        fc.oneof(
          anyText(),
          fc.array(fragments).map((a) => a.join("")),
        ),
        (text) => {
          const r = parseDmesg(text);
          const lines = text.split("\n").length;
          return r.value.reservations.every(
            (x) => x.line >= 1 && x.line <= lines && isByteCount(x.sizeBytes),
          );
        },
      ),
    );
  });
});

describe("parseDmesg: the parser's warnings in every kernel's wording", () => {
  test.each<[string, string]>([
    // kernel/crash_core.c before v6.11: the size of a range entry and @offset warn without a prefix
    ["[    0.000000] Memory value expected", "range-value-expected"],
    ["[    0.000000] Memory value expected after '@'", "offset-value-expected"],
    // v6.11–v6.15 misspell the prefix after '@' (fixed by 'crash: fix spelling mistake "crahskernel"')
    ["[    0.000000] crahskernel: Memory value expected after '@'", "offset-value-expected"],
    ["[    0.000000] crashkernel: Memory value expected after '@'", "offset-value-expected"],
    ["[    0.000000] crashkernel: Memory value expected", "range-value-expected"],
    ["[    0.000000] crashkernel: memory value expected", "memory-value-expected"],
  ])("%s → %s", (line, code) => {
    const v = parseDmesg(line).value;
    expect(v.parserMessages.map((m) => [m.code, m.text])).toEqual([[code, line]]);
    expect(v.unrecognized).toEqual([]);
  });
});

describe("parseDmesg: the boot memory map tells whether RAM exists above 4 GiB", () => {
  test.each<[string, number | null]>([
    [
      "[    0.000000] Early memory node ranges\n[    0.000000]   node   0: [mem 0x0000000000001000-0x000000000009efff]\n[    0.000000]   node   0: [mem 0x0000000000100000-0x000000007ffdbfff]",
      0x7ffdc000,
    ],
    [
      "[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bffd9fff] usable\n[    0.000000] BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000023fffffff] usable",
      0x240000000,
    ],
    ["[    0.000000] BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved", null],
  ])("%#", (text, top) => {
    expect(parseDmesg(text).value.ramTop?.bytes ?? null).toBe(top);
  });
});
