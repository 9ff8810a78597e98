import type { ByteCount } from "../../byte-count.ts";
import type { ParseResult } from "../issue.ts";
import { parseSysfsFlag } from "./kexec-crash-loaded.ts";
import { readSingleByteCount } from "./sysfs-integer.ts";

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

/** `/sys/kernel/fadump/mem_reserved`: bytes reserved for fadump (a ByteCount, exact up to 2^64 − 1). */
export function parseFadumpMemReserved(text: string): ParseResult<{ bytes: ByteCount | null }> {
  const { value, issues } = readSingleByteCount(text, "fadump mem_reserved");
  return { value: { bytes: value }, issues };
}
