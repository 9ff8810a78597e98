import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { checkResult } from "./rule-kit.ts";

const ID = "sysrq.keyboard-crash";

const NOTE = "echo c > /proc/sysrq-trigger works regardless";

/** Keyboard Alt-SysRq-C works when sysrq is 1 or has bit 8 (SYSRQ_ENABLE_DUMP) set (domain §3). */
export function sysrqAllowsKeyboardCrash(value: number): boolean {
  return value === 1 || (value > 1 && (value & 8) === 8);
}

/**
 * R12 (domain §8, §3): always info. kernel.sysrq gates only the keyboard/serial path; it never
 * prevents a panic-triggered dump and does not gate /proc/sysrq-trigger (trap 15: bit 8, not 64;
 * Ubuntu's 176 and RHEL's 16 both block keyboard c).
 */
export function checkSysrqKeyboardCrash(facts: HostFacts): CheckResult {
  const { sysrq } = facts;
  if (sysrq.value === null) {
    return checkResult({
      id: ID,
      status: "info",
      summary: `kernel.sysrq not collected; ${NOTE}`,
      evidence: sysrq.evidence,
    });
  }
  const can = sysrq.keyboardCrash ?? sysrqAllowsKeyboardCrash(sysrq.value);
  const summary = can
    ? `kernel.sysrq=${sysrq.value}: console Alt-SysRq-C can trigger a dump; ${NOTE}`
    : `kernel.sysrq=${sysrq.value}: console Alt-SysRq-C is unavailable (needs 1 or bit 8); ${NOTE}`;
  return checkResult({ id: ID, status: "info", summary, evidence: sysrq.evidence });
}
