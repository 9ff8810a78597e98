import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { checkResult, remediationFamily } from "./rule-kit.ts";

const ID = "panic.on-oops";

/**
 * R11 (domain §8, §6.1): without kernel.panic_on_oops=1 most oopses never reach kdump: 0 warns.
 * The other panic sysctls are policy knobs and only reported in the summary.
 */
export function checkPanicOnOops(facts: HostFacts): CheckResult {
  const { panic } = facts;
  const others = Object.entries(panic.others)
    .filter((entry): entry is [string, number] => entry[1] !== null)
    .map(([name, value]) => `${name}=${value}`);
  const tail = others.length > 0 ? ` (also ${others.join(", ")})` : "";
  if (panic.onOops === null) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "kernel.panic_on_oops was not collected",
      evidence: panic.evidence,
      remediation: ["cat /proc/sys/kernel/panic_on_oops"],
    });
  }
  if (panic.onOops !== 0) {
    return checkResult({
      id: ID,
      status: "pass",
      summary: `kernel.panic_on_oops=${panic.onOops}: an oops panics and is dumped${tail}`,
      evidence: panic.evidence,
    });
  }
  return checkResult({
    id: ID,
    status: "warn",
    summary: `kernel.panic_on_oops=0: oopses do not panic, so they are never dumped${tail}`,
    evidence: panic.evidence,
    remediation: [
      remediationFamily(facts) === "debian"
        ? "sudo sysctl -w kernel.panic_on_oops=1   # kdump-config load sets it on Debian/Ubuntu"
        : "sudo sysctl -w kernel.panic_on_oops=1",
      "echo 'kernel.panic_on_oops = 1' | sudo tee /etc/sysctl.d/60-kdump-panic.conf",
      "Consider kernel.softlockup_panic, kernel.hung_task_panic and kernel.unknown_nmi_panic per your policy.",
    ],
  });
}
