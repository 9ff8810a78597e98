import type { ByteCount } from "../../byte-count.ts";
import type { ParseIssue } from "../issue.ts";
import type { CrashkernelScan } from "./find-crashkernel.ts";
import type { Placement } from "./place-crashkernel.ts";

// The vocabulary of `evaluateCrashkernel`: closed sets and the shape of its result.

/** Where a system-RAM figure came from, most precise first (domain.md §1.6). */
export const RAM_SOURCES = ["dmesg", "iomem", "dmesg-memory", "meminfo"] as const;
export type RamSource = (typeof RAM_SOURCES)[number];

export const CRASHKERNEL_KINDS = ["simple", "range", "high", "auto", "none"] as const;
export type CrashkernelKind = (typeof CRASHKERNEL_KINDS)[number];

/** What the kernel makes of the parameter. Everything but "reserves" means: nothing is reserved. */
export const CRASHKERNEL_OUTCOMES = [
  "reserves", // a size > 0 was accepted: the kernel will try to reserve it (placement can still fail)
  "missing", // no crashkernel= the kernel would use
  "parse-error", // syntax error: the kernel prints a warning (kernelMessage)
  "invalid-size", // a range entry visited before the match is >= RAM: "crashkernel: invalid size"
  "no-range-matched", // "crashkernel size resulted in zero bytes"
  "zero", // the value is 0: silently nothing
  "size-exceeds-ram", // size >= system RAM: silently nothing
  "low-without-high", // only ,low / ,cma tokens: they need a main reservation
  "high-unsupported", // only ,high, on an architecture/kernel without it
  "cannot-place", // accepted, but larger than the only window this kernel searches (no fallback above 4 GiB)
  "too-large", // accepted, but the low region it needs does not fit: the kernel frees the reservation again
  "unknown", // RAM unknown for a range value, or the size of crashkernel=auto is not known
] as const;
export type CrashkernelOutcome = (typeof CRASHKERNEL_OUTCOMES)[number];

export const CRASHKERNEL_FINDING_CODES = [
  "duplicate", // several plain crashkernel=: only the last counts (trap 2)
  "suffixed-ignored", // ,high/,low present but a plain value exists
  "low-without-high",
  "wrong-case", // Crashkernel=…: present but ignored
  "embedded", // matched inside another word (foo.crashkernel=)
  "fixed-offset", // @offset given
  "auto-unsupported", // crashkernel=auto on a kernel that is not RHEL 6-8
  "cmdline-size-limit", // trap 22
] as const;
export type CrashkernelFindingCode = (typeof CRASHKERNEL_FINDING_CODES)[number];

export interface CrashkernelFinding {
  code: CrashkernelFindingCode;
  message: string;
  /** the token concerned, as written */
  token?: string;
}

export const UNCERTAIN_REASONS = [
  "ram-unknown",
  "ram-imprecise", // the RAM figure is MemTotal, smaller than what the kernel compares
  "ram-near-boundary", // a RAM error of up to 128 MiB would change the result
  "kernel-version-unknown", // kernels differ here and the release or architecture is not known
  "kernel-version-ambiguous", // kernels differ here and this release is not pinned (approximate version, distro backports)
  "auto-size-unknown", // crashkernel=auto on a RHEL kernel whose table is not modelled
  "low-size-unknown", // default low size of this architecture unknown
  "placement-unknown", // ,high with no sign whether RAM exists above 4 GiB: the low region may or may not come
] as const;
export type UncertainReason = (typeof UNCERTAIN_REASONS)[number];

export interface CrashkernelRange {
  /** entry text, e.g. `2G-4G:320M` */
  raw: string;
  startBytes: ByteCount;
  /** exclusive; null for an open end (`2G-:…`) */
  endBytes: ByteCount | null;
  sizeBytes: ByteCount;
  /** the kernel's loop reached this entry for this RAM */
  visited: boolean;
  /** the entry the kernel picks for this RAM */
  selected: boolean;
}

export interface CrashkernelInput {
  /** `/proc/cmdline` text */
  cmdline: string;
  /** memory as the kernel counts it (see `bestSystemRam`); null when unknown */
  systemRamBytes: ByteCount | bigint | null;
  ramSource: RamSource | null;
  /** kernel release (`uname -r`, dmesg `Linux version X`); null when unknown */
  kernelVersion: string | null;
  /** `uname -m` (x86_64, aarch64, …); null when unknown */
  arch: string | null;
  /** override for "this kernel implements crashkernel=auto"; default: derived from kernelVersion */
  isRhelAutoKernel?: boolean | null;
  /** RAM at or above 4 GiB exists (iomem, boot memory map); null or absent: unknown */
  ramAbove4G?: boolean | null;
  /** start of the main crash region as observed on the host (iomem, boot log) */
  observedMainBase?: ByteCount | bigint | null;
}

export interface CrashkernelEvaluation {
  /** the value text of the token the kernel uses (`512M-:192M`, `1G,high`'s `1G,high`), else null */
  effective: string | null;
  kind: CrashkernelKind;
  outcome: CrashkernelOutcome;
  /**
   * bytes the kernel reserves for this RAM: main region plus the low region where the main region
   * is expected at or above 4 GiB (CMA excluded). Where that placement is undetermined (`,high` on a
   * host not known to have RAM above 4 GiB) the fewer bytes; null when unknown
   */
  expectedBytes: ByteCount | null;
  /** the most the kernel can reserve: with a low region when the main region may land above 4 GiB */
  expectedMaxBytes: ByteCount | null;
  mainBytes: ByteCount | null;
  /** the low region that comes with `,high` when placed above 4 GiB (given or the default); 0 otherwise */
  lowBytes: ByteCount | null;
  /**
   * plain values: the low region the kernel adds when it places the main region at or above 4 GiB
   * (a fallback when low memory is short, or an `@offset` there); null when that cannot happen or
   * is unknown. Observed reservations may therefore be `expectedBytes + fallbackLowBytes`.
   */
  fallbackLowBytes: ByteCount | null;
  /** where the main region goes: below / at or above 4 GiB; null when not determined */
  placement: Placement | null;
  /** additional CMA reservation (`,cma`), reserved only with a valid main reservation */
  cmaBytes: ByteCount | null;
  /** `@offset`, when given */
  offsetBytes: ByteCount | null;
  /** the first warning the kernel's parser would print, e.g. `crashkernel: unrecognized char: B` */
  kernelMessage: string | null;
  /** all lines the kernel would print, in this kernel's wording (parser, `,cma`, placement failure) */
  kernelMessages: string[];
  /** range syntax: every entry, with which one was visited/selected for this RAM */
  ranges: CrashkernelRange[];
  selectedRange: number | null;
  /** the memory figure the range comparison used (rounded up to 128 MiB on kernels that do) */
  comparedRamBytes: ByteCount | null;
  /** the rows of the kernel model (crashkernel-model.ts) that describe this kernel, by their sources */
  kernelModel: string[];
  uncertain: boolean;
  uncertainReasons: UncertainReason[];
  findings: CrashkernelFinding[];
  /** the raw scan of the command line */
  scan: CrashkernelScan;
  issues: ParseIssue[];
}
