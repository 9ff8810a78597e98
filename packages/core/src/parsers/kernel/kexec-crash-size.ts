import type { ByteCount } from "../../byte-count.ts";
import type { ParseResult } from "../issue.ts";
import { readSingleByteCount } from "./sysfs-integer.ts";

/**
 * `/sys/kernel/kexec_crash_size`: decimal bytes of the reservation (kernel/ksysfs.c). Since
 * approx. v6.5 it includes the low region, before only the main one (domain.md §2.3, trap 6).
 * Sample inputs (one per file):
 *
 *     134217728
 *     0
 *     536870912
 *
 * `bytes` (a ByteCount: exact up to 2^64 − 1) is null for text that is not one non-negative integer (insights-core turns that into 0;
 * we keep "unknown" apart from "nothing reserved").
 */
export function parseKexecCrashSize(text: string): ParseResult<{ bytes: ByteCount | null }> {
  const { value, issues } = readSingleByteCount(text, "kexec_crash_size");
  return { value: { bytes: value }, issues };
}
