import type { ParseIssue, ParseResult } from "../issue.ts";
import { COMMAND_LINE_SIZE, readCmdlineText } from "./cmdline-text.ts";

export const CRASHKERNEL_SUFFIXES = ["high", "low", "cma"] as const;
export type CrashkernelSuffix = (typeof CRASHKERNEL_SUFFIXES)[number];

const NAME = "crashkernel=";

/** One place where the kernel's substring search finds `crashkernel=`. */
export interface CrashkernelOccurrence {
  /** 0-based offset of the `c` of `crashkernel=` in the command line */
  offset: number;
  /** the text after `crashkernel=` up to the next space (quotes are not special) */
  value: string;
  /** the whole token `crashkernel=…` as the kernel delimits it */
  token: string;
  /** set when the token ends in `,high` / `,low` / `,cma` (only `high`/`low` on kernels without CMA) */
  suffix: CrashkernelSuffix | null;
  /** the match sits inside another word (`foo.crashkernel=64M`, `"crashkernel=…`); the kernel takes it anyway */
  embedded: boolean;
}

export interface CrashkernelScan {
  /** the command line searched (first line, no newline) */
  line: string;
  /** every exact-case occurrence, in order */
  occurrences: CrashkernelOccurrence[];
  /** the last occurrence without a known suffix: the one the kernel uses (domain.md §1.2) */
  plain: CrashkernelOccurrence | null;
  /** the last `,high` / `,low` / `,cma` occurrence */
  high: CrashkernelOccurrence | null;
  low: CrashkernelOccurrence | null;
  cma: CrashkernelOccurrence | null;
  /** tokens that spell the name in another case (`Crashkernel=512M`): present but ignored by the kernel */
  wrongCase: { offset: number; token: string }[];
  byteLength: number;
  /** the command line is at the kernel's size limit: a `crashkernel=` may have been cut off (trap 22) */
  atSizeLimit: boolean;
}

export interface FindCrashkernelOptions {
  /** the kernel's suffix table knows `,cma` (approx. v6.16+); older kernels take `…,cma` as a plain token */
  cmaSuffix?: boolean;
  /** COMMAND_LINE_SIZE of the architecture (default x86's 2048) */
  limitBytes?: number;
}

function tokenEnd(s: string, from: number): number {
  const space = s.indexOf(" ", from);
  return space < 0 ? s.length : space;
}

/**
 * Finds `crashkernel=` the way the kernel's `get_last_crashkernel()` does (kernel/crash_reserve.c,
 * domain.md §1.2): a case-sensitive substring search over the whole command line, the value ending
 * at the next space, quotes not honoured; tokens ending in a known suffix are kept apart, and of
 * each kind the last one counts. Sample input (`/proc/cmdline`):
 *
 *     BOOT_IMAGE=/vmlinuz-6.18.0-8-generic root=UUID=0a86 ro crashkernel=2G-4G:320M,4G-32G:512M
 *     console=ttyAMA0 root=/dev/vda rw crashkernel=512M,high crashkernel=128M,low
 *     cma=256M crashkernel=4G crashkernel=64M,cma
 */
export function findCrashkernel(
  cmdline: string,
  options: FindCrashkernelOptions = {},
): ParseResult<CrashkernelScan> {
  const cmd = readCmdlineText(cmdline, options.limitBytes ?? COMMAND_LINE_SIZE);
  const issues: ParseIssue[] = [...cmd.issues];
  const s = cmd.line;
  const suffixes: readonly CrashkernelSuffix[] =
    options.cmaSuffix === false ? ["high", "low"] : CRASHKERNEL_SUFFIXES;
  const occurrences: CrashkernelOccurrence[] = [];
  let plain: CrashkernelOccurrence | null = null;
  const last: Partial<Record<CrashkernelSuffix, CrashkernelOccurrence>> = {};
  // the next space after a match, reused while matches stay inside the same token (keeps this O(n))
  let end = -1;
  for (let p = s.indexOf(NAME); p >= 0; p = s.indexOf(NAME, p + 1)) {
    if (end < p) end = tokenEnd(s, p);
    const token = s.slice(p, end);
    const suffix = suffixes.find((x) => token.endsWith(`,${x}`)) ?? null;
    const occurrence: CrashkernelOccurrence = {
      offset: p,
      value: s.slice(p + NAME.length, end),
      token,
      suffix,
      embedded: p > 0 && s.charAt(p - 1) !== " ",
    };
    occurrences.push(occurrence);
    if (suffix === null) plain = occurrence;
    else last[suffix] = occurrence;
  }
  const wrongCase: { offset: number; token: string }[] = [];
  const lower = s.toLowerCase();
  // toLowerCase keeps offsets for ASCII; non-ASCII case mappings that change length are not a concern
  // because "crashkernel=" is ASCII and we only slice around matches of it
  if (lower.length === s.length) {
    let wrongEnd = -1;
    for (let p = lower.indexOf(NAME); p >= 0; p = lower.indexOf(NAME, p + 1)) {
      if (s.startsWith(NAME, p)) continue;
      if (wrongEnd < p) wrongEnd = tokenEnd(s, p);
      wrongCase.push({ offset: p, token: s.slice(p, wrongEnd) });
    }
  }
  for (const w of wrongCase) {
    issues.push({
      line: 1,
      code: "crashkernel-wrong-case",
      message: `"${w.token}" is not "crashkernel=": the kernel's lookup is case-sensitive and ignores it`,
    });
  }
  return {
    value: {
      line: s,
      occurrences,
      plain,
      high: last.high ?? null,
      low: last.low ?? null,
      cma: last.cma ?? null,
      wrongCase,
      byteLength: cmd.byteLength,
      atSizeLimit: cmd.atSizeLimit,
    },
    issues,
  };
}
