import type { ParseIssue, ParseResult } from "../issue.ts";
import { readSingleInteger } from "./sysfs-integer.ts";

/**
 * `/sys/kernel/kexec_crash_size`: decimal bytes of the reservation (kernel/ksysfs.c). Since
 * approx. v6.5 it includes the low region, before only the main one (domain.md §2.3, trap 6).
 * Sample inputs (one per file):
 *
 *     134217728
 *     0
 *     536870912
 *
 * `bytes` is null for text that is not one non-negative integer (insights-core turns that into 0;
 * we keep "unknown" apart from "nothing reserved").
 */
export function parseKexecCrashSize(text: string): ParseResult<{ bytes: number | null }> {
  const { value, issues } = readSingleInteger(text, "kexec_crash_size");
  if (value !== null && value < 0) {
    const negative: ParseIssue = { line: 1, code: "negative", message: "kexec_crash_size is negative" };
    return { value: { bytes: null }, issues: [...issues, negative] };
  }
  return { value: { bytes: value }, issues };
}
