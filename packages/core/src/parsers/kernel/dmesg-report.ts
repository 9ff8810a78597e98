/** Types of `parseDmesg`'s report; every finding keeps the exact original line for evidence. */
import type { ByteCount } from "../../byte-count.ts";

export interface DmesgLine {
  /** 1-based line number in the input */
  line: number;
  /** the original line, prefix included (a trailing CR removed) */
  text: string;
}

export const DMESG_REGIONS = ["main", "low", "cma", "fadump"] as const;
export type DmesgRegion = (typeof DMESG_REGIONS)[number];

export interface DmesgReservation extends DmesgLine {
  region: DmesgRegion;
  /** legacy: `Reserving …MB of memory at …MB for crashkernel (System RAM: …MB)`; generic: `crashkernel reserved: 0x… - 0x…` */
  format: "legacy" | "generic" | "cma" | "fadump";
  /** start address; MB-granular for the legacy format; null for CMA */
  baseBytes: ByteCount | null;
  sizeBytes: ByteCount;
  /** exclusive end (base + size): the generic line prints it so; null for CMA */
  endBytes: ByteCount | null;
  /** `(System RAM: NMB)` of legacy main and fadump lines, in bytes */
  systemRamBytes: ByteCount | null;
  /** CMA: number of ranges */
  ranges: number | null;
  /** pr_fmt prefix seen before the message (`kexec_core`), if any */
  prFmt: string | null;
  /** ppc legacy: a later `Failed to reserve memory for crashkernel!` undid this reservation (trap 8) */
  cancelledBy: DmesgLine | null;
}

export const DMESG_FAILURE_CODES = [
  "no-suitable-area",
  "memory-in-use",
  "base-address-required",
  "memblock-error",
  "low-reserve-failed",
  "cannot-allocate",
  "fixed-base-rejected",
  "xen-pv-ignored",
  "cma-partial",
  "cma-unsupported",
  "ppc-cancelled",
  "ppc-location",
  "ppc-alignment",
  "ppc-overlap",
  "ppc-memory-limit",
  "s390-failed",
  "riscv-failed",
] as const;
export type DmesgFailureCode = (typeof DMESG_FAILURE_CODES)[number];

export interface DmesgFailure extends DmesgLine {
  code: DmesgFailureCode;
  region: DmesgRegion | null;
  /** size named by the line (`cannot allocate crashkernel (size:0x…)`, `Cannot reserve NMB …`) */
  sizeBytes: ByteCount | null;
}

export const DMESG_PARSER_CODES = [
  "memory-value-expected", // simple syntax: "crashkernel: memory value expected"
  "unrecognized-char",
  "range-value-expected", // range syntax: "crashkernel: Memory value expected"
  "dash-expected",
  "end-before-start",
  "colon-expected",
  "invalid-size",
  "offset-value-expected",
  "zero-bytes", // pr_info "crashkernel size resulted in zero bytes"
] as const;
export type DmesgParserCode = (typeof DMESG_PARSER_CODES)[number];

export interface DmesgParserMessage extends DmesgLine {
  code: DmesgParserCode;
  /** the character of "unrecognized char: %c" */
  char: string | null;
}

export interface DmesgLockdown extends DmesgLine {
  /** restricted: `Lockdown: comm: what is restricted…`; locked-down: `Kernel is locked down from …`; secure-boot: `secureboot: Secure boot enabled` */
  kind: "restricted" | "locked-down" | "secure-boot";
  /** what was restricted, where lockdown came from, or enabled/disabled/… */
  detail: string;
  /** the line is about kexec */
  kexec: boolean;
}

export interface DmesgSysrq extends DmesgLine {
  /** text after `sysrq: ` / `SysRq : ` */
  action: string;
  /** `Trigger a crash` */
  crash: boolean;
  /** `This sysrq operation is disabled.` */
  disabled: boolean;
}

export interface DmesgPanic extends DmesgLine {
  reason: string;
}

export interface DmesgReport {
  /** release of the boot being read (`Linux version X …`) */
  kernelRelease: string | null;
  kernelReleaseLine: DmesgLine | null;
  /** `Kernel command line: …` (or x86 `Command line: …`), last seen */
  commandLine: (DmesgLine & { cmdline: string }) | null;
  reservations: DmesgReservation[];
  failures: DmesgFailure[];
  parserMessages: DmesgParserMessage[];
  /** from the legacy line's `(System RAM: NMB)`: memblock memory before rounding, MB-granular */
  systemRam: (DmesgLine & { megabytes: number; bytes: ByteCount }) | null;
  /** from `Memory: aK/bK available`: b, the pages the kernel counts (a RAM proxy on generic kernels) */
  memoryTotal: (DmesgLine & { bytes: ByteCount }) | null;
  /**
   * end (exclusive) of the highest RAM range in the boot memory map: the `node N: [mem …]` lines
   * (every arch) or x86's `BIOS-e820: [mem …] usable`; tells whether RAM exists above 4 GiB
   */
  ramTop: (DmesgLine & { bytes: ByteCount }) | null;
  lockdown: DmesgLockdown[];
  sysrq: DmesgSysrq[];
  panics: DmesgPanic[];
  /** lines containing `Kdump: loaded` (oops/panic CPU lines of a kernel with a capture kernel loaded) */
  kdumpLoaded: DmesgLine[];
  /** other lines about kexec / image signatures (`kexec_file: …`, `PEFILE: …`) */
  kexecMessages: DmesgLine[];
  /** lines that mention crashkernel / crash kernel but match no known format */
  unrecognized: DmesgLine[];
  /** boots before the last `Linux version` line, not read */
  earlierBoots: number;
  /** lines read */
  lineCount: number;
}
