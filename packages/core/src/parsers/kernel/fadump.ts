import type { ParseIssue, ParseResult } from "../issue.ts";
import { parseSysfsFlag } from "./kexec-crash-loaded.ts";
import { readSingleInteger } from "./sysfs-integer.ts";

/**
 * ppc64 firmware-assisted dump state (domain.md §2.3): `/sys/kernel/fadump/enabled` (legacy
 * `/sys/kernel/fadump_enabled`), `/sys/kernel/fadump/registered` (legacy `fadump_registered`),
 * `/sys/kernel/fadump/mem_reserved` (bytes). In fadump mode `kexec_crash_loaded` stays 0 (trap 14).
 * Sample inputs (one per file):
 *
 *     1
 *     0
 *     4294967296
 */
export function parseFadumpEnabled(text: string): ParseResult<{ enabled: boolean | null }> {
  const r = parseSysfsFlag(text, "fadump enabled");
  return { value: { enabled: r.value.set }, issues: r.issues };
}

/** `/sys/kernel/fadump/registered`: 1 when the dump is registered with firmware (the "loaded" of fadump). */
export function parseFadumpRegistered(text: string): ParseResult<{ registered: boolean | null }> {
  const r = parseSysfsFlag(text, "fadump registered");
  return { value: { registered: r.value.set }, issues: r.issues };
}

/** `/sys/kernel/fadump/mem_reserved`: bytes reserved for fadump. */
export function parseFadumpMemReserved(text: string): ParseResult<{ bytes: number | null }> {
  const { value, issues } = readSingleInteger(text, "fadump mem_reserved");
  if (value !== null && value < 0) {
    const negative: ParseIssue = { line: 1, code: "negative", message: "fadump mem_reserved is negative" };
    return { value: { bytes: null }, issues: [...issues, negative] };
  }
  return { value: { bytes: value }, issues };
}
