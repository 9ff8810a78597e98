import type { ParseResult } from "../issue.ts";
import { parseSysctlValue } from "./sysctl-value.ts";

/** Bits of `kernel.sysrq` (Documentation/admin-guide/sysrq.rst, domain.md §3). */
export const SYSRQ_FUNCTIONS = [
  [0x2, "loglevel"],
  [0x4, "keyboard"],
  [0x8, "dump"], // debugging dumps of processes etc. – includes the crash key `c`
  [0x10, "sync"],
  [0x20, "remount-ro"],
  [0x40, "signal"],
  [0x80, "reboot"],
  [0x100, "nice-rt"],
] as const;
export type SysrqFunction = (typeof SYSRQ_FUNCTIONS)[number][1];

/** SYSRQ_ENABLE_DUMP: the enable_mask of sysrq_crash_op (include/linux/sysrq.h). */
export const SYSRQ_ENABLE_DUMP = 0x8;

export interface Sysrq {
  value: number | null;
  /** Alt-SysRq-C from a keyboard / serial BREAK works: value 1, or the 0x8 bit set */
  keyboardCrash: boolean | null;
  /** "all" for 1, else the enabled functions */
  enabled: "all" | SysrqFunction[] | null;
  /**
   * Always false: `/proc/sysrq-trigger` ignores this mask (`write_sysrq_trigger` calls
   * `__handle_sysrq(c, false)`), so `echo c > /proc/sysrq-trigger` crashes whatever the value (trap 15).
   */
  triggerFileGated: false;
}

/**
 * `/proc/sys/kernel/sysrq` or `sysctl` output for `kernel.sysrq`. Sample inputs:
 *
 *     176
 *     kernel.sysrq = 16
 *     0x8
 *
 * The crash key `c` needs value 1 or bit 0x8 (the value 8 – not bit index 8, and not 64). Ubuntu's
 * 176 and RHEL's 16 both leave keyboard `c` off. The `sysrq_always_enabled` boot parameter
 * overrides the value for the keyboard; check the command line for it.
 */
export function parseSysrq(text: string): ParseResult<Sysrq> {
  const r = parseSysctlValue(text, "kernel.sysrq");
  const value = r.value.value;
  let enabled: Sysrq["enabled"] = null;
  if (value === 1) enabled = "all";
  else if (value !== null)
    enabled = SYSRQ_FUNCTIONS.filter(([bit]) => (value & bit) !== 0).map(([, name]) => name);
  return {
    value: {
      value,
      keyboardCrash: value === null ? null : value === 1 || (value & SYSRQ_ENABLE_DUMP) !== 0,
      enabled,
      triggerFileGated: false,
    },
    issues: r.issues,
  };
}
