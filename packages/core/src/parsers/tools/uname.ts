import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

export interface Uname {
  /** kernel name, normally "Linux" */
  kernelName: string | null;
  hostname: string | null;
  /** `uname -r`, e.g. "5.15.0-46-generic" */
  kernelRelease: string | null;
  /** `uname -v`, e.g. "#50-Ubuntu SMP Thu Jul 28 … UTC 2022" */
  kernelVersion: string | null;
  /** `uname -m`, e.g. "x86_64", "aarch64", "ppc64le", "s390x" */
  arch: string | null;
  /** the line read */
  source: ToolLine | null;
}

const ARCH =
  /^(x86_64|amd64|i[3-6]86|aarch64|arm64|armv\w+|arm|ppc64le|ppc64|ppc|s390x|s390|riscv64|riscv32|loongarch64|mips\w*|sparc\w*|ia64|alpha|parisc\w*|sh\d?|m68k|unknown)$/;

/**
 * Parses `uname -a` (fields s n r v m [p i] o; v contains blanks, p and i may be omitted). Sample:
 *
 *     Linux web01 5.15.0-46-generic #50-Ubuntu SMP Thu Jul 28 12:00:00 UTC 2022 x86_64 x86_64 x86_64 GNU/Linux
 *     Linux db02 5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Apr 10 2024 x86_64 x86_64 x86_64 GNU/Linux
 *     Linux pi 6.1.0-rpi7-rpi-v8 #1 SMP PREEMPT Debian 1:6.1.63-1+rpt1 (2023-11-24) aarch64 GNU/Linux
 */
export function parseUname(text: string): ParseResult<Uname> {
  const issues: ParseIssue[] = [];
  const src = splitLines(text).find((l) => l.text.trim() !== "") ?? null;
  const empty: Uname = {
    kernelName: null,
    hostname: null,
    kernelRelease: null,
    kernelVersion: null,
    arch: null,
    source: src,
  };
  if (!src) {
    issues.push(parseIssue("empty", "No uname output"));
    return { value: empty, issues };
  }
  const f = src.text.trim().slice(0, 4096).split(/\s+/);
  if (f.length < 3) {
    issues.push(parseIssue("short", "uname -a output has fewer than 3 fields", src.line));
    return { value: { ...empty, kernelName: f[0] ?? null, hostname: f[1] ?? null }, issues };
  }
  let end = f.length;
  if (end > 3 && /^(GNU\/Linux|Linux|Android|Toybox)$/.test(f[end - 1]!)) end--;
  // The machine field is the first of the trailing run of arch-like words (m, p, i).
  let archAt = end;
  while (archAt - 1 > 3 && ARCH.test(f[archAt - 1]!) && end - (archAt - 1) <= 3) archAt--;
  const arch = archAt < end ? f[archAt]! : null;
  if (!arch) issues.push(parseIssue("no-arch", "No machine (arch) field recognised", src.line));
  return {
    value: {
      kernelName: f[0]!,
      hostname: f[1]!,
      kernelRelease: f[2]!,
      kernelVersion: f.slice(3, archAt).join(" ") || null,
      arch,
      source: src,
    },
    issues,
  };
}
