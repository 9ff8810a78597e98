import type { DmesgFailureCode, DmesgParserCode, DmesgRegion } from "./dmesg-report.ts";

// The kernel's printk formats about crashkernel/kdump (domain.md §2.1, §2.2, §2.4, §3, §6.2), as
// anchored patterns over the message after `splitDmesgPrefix`.

export const MB = 1n << 20n;

/** Hex digits (no 0x) as an exact integer. */
export function hex(s: string | undefined): bigint {
  return s === undefined ? 0n : BigInt(`0x${s}`);
}

export const LEGACY =
  /^Reserving (\d+)MB of (low )?memory at (\d+)MB for crashkernel \((System RAM|System low RAM|low RAM limit): (\d+)MB\)/;
export const GENERIC =
  /^crashkernel (low memory )?reserved: 0x([0-9a-fA-F]{1,16}) - 0x([0-9a-fA-F]{1,16}) \((\d+) MB\)/;
export const CMA = /^crashkernel CMA reserved: (\d+) MB in (\d+) ranges/;
export const FADUMP =
  /^fadump: Reserved (\d+)MB of memory at (?:0x)?([0-9a-fA-F]{1,16}) \(System RAM: (\d+)MB\)/;
export const LINUX_VERSION = /^Linux version (\S+)/;
export const COMMAND_LINE = /^(?:Kernel command line|Command line): ?(.*)$/;
export const MEMORY = /^Memory: (\d+)K\/(\d+)K available/;
/** `  node   0: [mem 0x0000000000001000-0x000000000009efff]` (inclusive end) and x86's e820 map */
export const RAM_RANGE =
  /^(?:\s*node\s+\d+|BIOS-e820): \[mem 0x([0-9a-fA-F]{1,16})-0x([0-9a-fA-F]{1,16})\](?! (?!usable))/;

export const PARSER: readonly [RegExp, DmesgParserCode][] = [
  [/^crashkernel: memory value expected/, "memory-value-expected"],
  [/^crashkernel: unrecognized char: ?(.?)/, "unrecognized-char"],
  // v6.11–v6.15 misspell the prefix; before v6.11 these two had no prefix at all
  [/^(?:crashkernel: |crahskernel: )?Memory value expected after '@'/, "offset-value-expected"],
  [/^(?:crashkernel: )?Memory value expected/, "range-value-expected"],
  [/^crashkernel: '-' expected/, "dash-expected"],
  [/^crashkernel: end <= start/, "end-before-start"],
  [/^crashkernel: ':' expected/, "colon-expected"],
  [/^crashkernel: invalid size/, "invalid-size"],
  [/^crashkernel size resulted in zero bytes/, "zero-bytes"],
];

/** [pattern, code, region, index of a size group and its unit] */
export const FAILURES: readonly [RegExp, DmesgFailureCode, DmesgRegion | null, "hex" | "mb" | "kb" | null][] =
  [
    [/^crashkernel reservation failed - No suitable area found/, "no-suitable-area", "main", null],
    [/^crashkernel reservation failed - memory is in use/, "memory-in-use", "main", null],
    [
      /^crashkernel reservation failed - you have to specify a base address/,
      "base-address-required",
      "main",
      null,
    ],
    [/^\S+: Error reserving crashkernel memblock/, "memblock-error", "main", null],
    [/^Cannot reserve (\d+)MB crashkernel low memory/, "low-reserve-failed", "low", "mb"],
    [
      /^cannot allocate crashkernel low memory \(size:0x([0-9a-fA-F]{1,16})\)/,
      "low-reserve-failed",
      "low",
      "hex",
    ],
    [/^cannot allocate crashkernel \(size:0x([0-9a-fA-F]{1,16})\)/, "cannot-allocate", "main", "hex"],
    [/^cannot reserve crashkernel: /, "fixed-base-rejected", "main", null],
    [/^Ignoring crashkernel for a Xen PV domain/, "xen-pv-ignored", "main", null],
    [/^crashkernel CMA reservation failed: (\d+) MB requested/, "cma-partial", "cma", "mb"],
    [/^crashkernel CMA reservation (?:not supported|failed: CMA disabled)/, "cma-unsupported", "cma", null],
    [/^Failed to reserve memory for crashkernel!/, "ppc-cancelled", "main", null],
    [/^Crash kernel location must be 0x/, "ppc-location", "main", null],
    [/^Crash kernel base must be aligned to 0x/, "ppc-alignment", "main", null],
    [/^Crash kernel can not overlap current kernel/, "ppc-overlap", "main", null],
    [
      /^(?:Adjusted memory limit for crashkernel|Crash kernel size can't exceed memory_limit)/,
      "ppc-memory-limit",
      "main",
      null,
    ],
    [/^crashkernel reservation failed: /, "s390-failed", "main", null],
    [
      /^crashkernel: (?:allocating failed with given size@offset|couldn't allocate (\d+)KB)/,
      "riscv-failed",
      "main",
      "kb",
    ],
  ];

export const LOCKDOWN_RESTRICTED = /^Lockdown: ([^:]*): (.*?) is restricted/;
export const LOCKED_DOWN = /^Kernel is locked down from (.*?)(?:[;:]|$)/;
export const SECURE_BOOT = /^(?:secureboot: )?Secure boot (enabled|disabled|could not be determined)/i;
export const SYSRQ = /^(?:sysrq: |SysRq : )(.*)$/;
export const PANIC = /^Kernel panic - not syncing: ?(.*)$/;
/** Cheap first test: a line without any of these words cannot match a format below. */
export const MAY_MATTER =
  /crash|kexec|kdump|fadump|lockdown|locked down|secure ?boot|Linux version|command line|Memory: |Memory value expected|\[mem 0x|sysrq|panic|PEFILE|signature/i;
export const MENTIONS_CRASHKERNEL = /crashkernel|crash kernel/i;
export const MENTIONS_KEXEC = /kexec|PEFILE|signature verification/i;
