import type { ParseResult } from "../issue.ts";
import { readSingleInteger } from "./sysfs-integer.ts";

/** Reads a 0/1 sysfs flag; null (with an issue) for anything else. */
export function parseSysfsFlag(text: string, what: string): ParseResult<{ set: boolean | null }> {
  const { value, issues } = readSingleInteger(text, what);
  if (value === 0 || value === 1) return { value: { set: value === 1 }, issues };
  if (value === null) return { value: { set: null }, issues };
  return {
    value: { set: null },
    issues: [{ line: 1, code: "not-a-flag", message: `${what} is ${value}, expected 0 or 1` }],
  };
}

/**
 * `/sys/kernel/kexec_crash_loaded`: `1` when a capture kernel is loaded for kdump, else `0`
 * (kernel/ksysfs.c). Not to be confused with `/sys/kernel/kexec_loaded`, which is about a normal
 * reboot-kexec image (trap 16). Sample inputs (one per file):
 *
 *     1
 *     0
 *     0
 */
export function parseKexecCrashLoaded(text: string): ParseResult<{ loaded: boolean | null }> {
  const r = parseSysfsFlag(text, "kexec_crash_loaded");
  return { value: { loaded: r.value.set }, issues: r.issues };
}
