import type { ParseIssue, ParseResult } from "../issue.ts";
import { splitInputLines } from "./input-lines.ts";
import { parseKernelInteger } from "./sysfs-integer.ts";

export interface SysctlValue {
  /** the integer; null when absent or not a single integer */
  value: number | null;
  /** the key of the line it came from (dotted), null for a bare `/proc/sys` value */
  key: string | null;
  /** 1-based line it came from */
  line: number | null;
}

const CAP = { maxChars: 1024 * 1024, maxLines: 20_000 };
const ASSIGNMENT = /^([A-Za-z0-9_./*-]+)\s*=\s*(.*?)\s*$/;

function normalizeKey(key: string): string {
  return key.trim().replace(/\//g, ".");
}

/**
 * Reads an integer sysctl from a `/proc/sys/…` file or from `sysctl` output. Sample inputs:
 *
 *     16
 *     kernel.sysrq = 176
 *     * Applying /usr/lib/sysctl.d/50-default.conf ...
 *
 * With `key` (e.g. `kernel.panic_on_oops`) the last `key = value` line for it wins, as with
 * `sysctl --system`, which applies files in order; without `key` the text must hold one value.
 * Values may be decimal, negative (`kernel.kexec_load_limit_panic = -1`), `0x` hex or leading-0
 * octal – what the kernel's `proc_dointvec` accepts.
 */
export function parseSysctlValue(text: string, key?: string): ParseResult<SysctlValue> {
  const input = splitInputLines(text, CAP);
  const issues: ParseIssue[] = [...input.issues];
  const wanted = key === undefined ? null : normalizeKey(key);
  const assignments: { key: string; raw: string; line: number }[] = [];
  const bare: { raw: string; line: number }[] = [];
  input.lines.forEach((raw, i) => {
    const s = raw.trim();
    if (s === "" || s.startsWith("#") || s.startsWith(";") || s.startsWith("* ") || s.startsWith("sysctl:"))
      return;
    const m = ASSIGNMENT.exec(s);
    if (m) assignments.push({ key: normalizeKey(m[1] ?? ""), raw: m[2] ?? "", line: i + 1 });
    else bare.push({ raw: s, line: i + 1 });
  });
  let pick: { key: string | null; raw: string; line: number } | null = null;
  if (wanted !== null) {
    pick = assignments.findLast((a) => a.key === wanted) ?? null;
    if (pick === null && assignments.length === 0 && bare.length === 1)
      pick = { key: null, ...(bare[0] as { raw: string; line: number }) };
    if (pick === null) issues.push({ code: "key-not-found", message: `no value for ${wanted}` });
  } else if (assignments.length === 0) {
    if (bare.length > 1)
      issues.push({
        line: bare[1]?.line ?? 2,
        code: "extra-lines",
        message: "more than one value line; the first is used",
      });
    const first = bare[0];
    pick = first === undefined ? null : { key: null, ...first };
    if (pick === null) issues.push({ code: "empty", message: "no value" });
  } else {
    const keys = new Set(assignments.map((a) => a.key));
    if (keys.size === 1) pick = assignments[assignments.length - 1] ?? null;
    else
      issues.push({
        code: "ambiguous",
        message: `several keys (${[...keys].slice(0, 5).join(", ")}…) and none asked for`,
      });
  }
  if (pick === null) return { value: { value: null, key: null, line: null }, issues };
  const value = parseKernelInteger(pick.raw);
  if (value === null) {
    issues.push({
      line: pick.line,
      code: "not-an-integer",
      message: `not a single integer: ${pick.raw.slice(0, 80)}`,
    });
  }
  return { value: { value, key: pick.key, line: pick.line }, issues };
}
