import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { checkResult } from "./rule-kit.ts";

const ID = "kexec.load-disabled";

const FIX = [
  "Remove kernel.kexec_load_disabled=1 from the sysctl hardening (grep -r kexec_load_disabled /etc/sysctl.conf /etc/sysctl.d /usr/lib/sysctl.d), or make sure kdump loads before it is applied.",
  "sudo reboot   # the setting cannot be turned back off at runtime",
];

/**
 * R08 (domain §8, §6.3): `kernel.kexec_load_disabled` and `kexec_load_limit_panic`.
 * Pass: 0 and limit unlimited (−1) or > 0. Fail: disabled (or limit 0) and nothing loaded. Warn:
 * disabled (or limit 0) but a capture kernel is already loaded: it stays usable, reloads fail.
 * Limit 0 with a loaded kernel is treated like kexec_load_disabled=1 (the table lists "limit 0" as
 * FAIL without saying whether loaded; a loaded image stays usable in both cases).
 * Unread with a capture kernel loaded: info (it cannot block what is already loaded).
 */
export function checkKexecLoadDisabled(facts: HostFacts): CheckResult {
  const { kexec, kdump } = facts;
  const blocked = kexec.loadDisabled === true || kexec.limitPanic === 0;
  const what =
    kexec.loadDisabled === true ? "kernel.kexec_load_disabled=1" : "kernel.kexec_load_limit_panic=0";
  if (blocked) {
    if (kexec.onlyForReload || kdump.state === "ready") {
      return checkResult({
        id: ID,
        status: "warn",
        summary: `${what}: the loaded capture kernel stays usable, but any reload (kernel update, memory/CPU hotplug) will fail`,
        evidence: kexec.evidence,
        remediation: FIX,
      });
    }
    return checkResult({
      id: ID,
      status: "fail",
      summary: `${what}: no capture kernel can be loaded`,
      evidence: kexec.evidence,
      remediation: FIX,
    });
  }
  if (kexec.loadDisabled === false) {
    const limit =
      kexec.limitPanic !== null && kexec.limitPanic > 0 ? `; ${kexec.limitPanic} panic kexec loads left` : "";
    return checkResult({
      id: ID,
      status: "pass",
      summary: `kexec loading is allowed (kexec_load_disabled=0${limit})`,
      evidence: kexec.evidence,
    });
  }
  if (kexec.onlyForReload) {
    // a loaded capture kernel stays usable whatever this sysctl says (facts/implications.ts
    // "loaded-makes-load-limits-reload-only"): only the next reload is in question
    return checkResult({
      id: ID,
      status: "info",
      summary:
        "kernel.kexec_load_disabled was not read, but a capture kernel is loaded: the setting only matters for the next reload",
      evidence: [...kexec.evidence, ...kdump.stateEvidence.slice(0, 1)],
    });
  }
  return checkResult({
    id: ID,
    status: "unknown",
    summary: "kernel.kexec_load_disabled was not collected",
    evidence: kexec.evidence,
    remediation: ["cat /proc/sys/kernel/kexec_load_disabled   # 0 = allowed"],
  });
}
