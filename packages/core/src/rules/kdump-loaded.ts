import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { causeSteps } from "./cause-remediation.ts";
import { RELOAD, SERVICE_LOG, steps } from "./family-commands.ts";
import { checkResult, forFamily, RUN_AS_ROOT, remediationFamily } from "./rule-kit.ts";

const ID = "kdump.loaded";

/**
 * R06 (domain §8): the capture is armed. `/sys/kernel/kexec_crash_loaded` = 1, or in fadump mode
 * `fadump_registered` = 1 (kexec_crash_loaded stays 0 there, trap 14), else `current state:` of
 * kdump-config, `kdumpctl status`, or the service's own log of this boot. A recorded `kexec
 * command:` proves nothing (trap 12).
 *
 * The service that arms capture is evidence too (trap 11): a start that failed after the last
 * boot, with no later success, means not ready — in kdump and in fadump mode. A fadump host can
 * stay registered while kdumpctl failed to rebuild the initramfs the capture boot uses
 * (kdump-utils kdumpctl: mkfadumprd, "Starting kdump: [FAILED]"); a kdump host can keep an
 * earlier image loaded after a reload failed. Either way the armed capture is not the
 * configured one, so an operator cannot bet a crash on it.
 */
export function checkKdumpLoaded(facts: HostFacts): CheckResult {
  const { kdump, service } = facts;
  const mode = kdump.mode === "fadump" ? "fadump" : "kdump";
  const failure = service.failure;
  const family = remediationFamily(facts);
  const fix = forFamily(family, steps(causeSteps(failure?.kind), RELOAD, SERVICE_LOG));
  const evidence = [...kdump.stateEvidence, ...kdump.loadErrors];
  if (kdump.state === "ready") {
    if (failure?.thisBoot) {
      const armed = mode === "fadump" ? "fadump is registered" : "a capture kernel is loaded";
      return checkResult({
        id: ID,
        status: "fail",
        summary: `Not armed as configured: ${armed}, but the kdump service's last start in this boot failed${failure.causeLine ? ` (${failure.causeLine.trim()})` : ""} — root cause: ${failure.explanation}`,
        evidence: [...kdump.stateEvidence, ...failure.evidence],
        remediation: fix,
      });
    }
    return checkResult({
      id: ID,
      status: "pass",
      summary: `Capture kernel loaded (ready to ${mode})`,
      evidence: kdump.stateEvidence,
    });
  }
  if (kdump.state === "not_ready") {
    const line = failure?.causeLine ?? kdump.loadErrors[0]?.text ?? null;
    const why =
      (line !== null ? `; last load error: ${line.trim()}` : "") +
      (failure ? ` — root cause: ${failure.explanation}` : "");
    return checkResult({
      id: ID,
      status: "fail",
      summary: `Capture kernel not loaded (not ready to ${mode})${why}`,
      evidence,
      remediation: fix,
    });
  }
  if (failure?.thisBoot) {
    return checkResult({
      id: ID,
      status: "fail",
      summary: `The kdump service's last start in this boot failed${failure.causeLine ? ` (${failure.causeLine.trim()})` : ""} — root cause: ${failure.explanation}`,
      evidence: failure.evidence,
      remediation: fix,
    });
  }
  return checkResult({
    id: ID,
    status: "unknown",
    summary:
      "Could not tell whether a capture kernel is loaded (no kexec_crash_loaded, tool state or service log collected)",
    evidence,
    remediation: [
      RUN_AS_ROOT,
      "cat /sys/kernel/kexec_crash_loaded   # 1 means loaded",
      ...forFamily(family, SERVICE_LOG),
    ],
  });
}
