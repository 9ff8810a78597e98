import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { SERVICE_LOG } from "./family-commands.ts";
import { checkResult, forFamily, remediationFamily } from "./rule-kit.ts";

const ID = "kdump.service-state";

/**
 * R16 (domain §8, §4.3, §5.1): the service's own story vs the truth. kdump-tools.service is
 * "active (exited)" even after a failed load, and kdump-config exits 0 when not ready (trap 11).
 * Warn: the service started but nothing is loaded; the last EL vmcore creation test failed or
 * needs a manual check. Pass: loaded (and on EL the last test succeeded). EL hosts that never ran
 * a test are reported as info, not warned: the test needs a maintenance window.
 * A start that failed in this boot while something is still loaded or registered fails here too
 * (kdump.loaded carries it into the verdict), with its root cause.
 */
export function checkKdumpServiceState(facts: HostFacts): CheckResult {
  const { kdump, service } = facts;
  const evidence = [...service.evidence, ...kdump.stateEvidence, ...(kdump.lastTest?.evidence ?? [])];
  const trust = "Do not trust the service state; rely on kdump.loaded.";
  const test = "Run a controlled crash test in a maintenance window: echo c | sudo tee /proc/sysrq-trigger";
  const failure = service.failure;
  if (kdump.state === "ready" && failure?.thisBoot) {
    return checkResult({
      id: ID,
      status: "fail",
      summary: `The kdump service's last start in this boot failed although a capture is armed — root cause: ${failure.explanation}`,
      evidence: [...failure.evidence, ...kdump.stateEvidence],
      remediation: [
        "Fix the cause named by kdump.loaded, then restart the service and re-check.",
        ...forFamily(remediationFamily(facts), SERVICE_LOG),
      ],
    });
  }
  if (kdump.state === "ready") {
    const t = kdump.lastTest;
    if (t === null) {
      return kdump.tool === "kdumpctl"
        ? checkResult({
            id: ID,
            status: "info",
            summary: "Capture kernel loaded; no vmcore creation test recorded",
            evidence,
          })
        : checkResult({
            id: ID,
            status: "pass",
            summary: "Service and capture kernel agree: loaded",
            evidence,
          });
    }
    const on = t.date !== null ? ` on ${t.date}` : "";
    if (t.result === "success") {
      return checkResult({
        id: ID,
        status: "pass",
        summary: `Capture kernel loaded; last vmcore creation test succeeded${on}`,
        evidence,
      });
    }
    const what = t.result === "failed" ? "failed" : "needs a manual check";
    return checkResult({
      id: ID,
      status: "warn",
      summary: `Capture kernel loaded, but the last vmcore creation test ${what}${on}`,
      evidence,
      remediation: ["Check the dump directory for the test's vmcore and vmcore-dmesg.txt.", test],
    });
  }
  if (kdump.state === "not_ready") {
    // kdump-tools' init script exits 0 even when the load failed or was skipped, so its unit is
    // "active (exited)" whenever it ran; kdump.service (kdumpctl, SUSE's load.sh) fails instead
    // (domain §4.3, §5.1). Without systemd's own line, only kdump-tools' unit is known to lie.
    const kdumpTools =
      service.unit === "kdump-tools" ||
      (service.unit === null &&
        (kdump.tool === "kdump-tools" || (kdump.tool === null && facts.identity.os.family === "debian")));
    const saysActive =
      service.started === true ||
      (service.started === null &&
        kdumpTools &&
        (service.lastLoad === "failed" || service.lastLoad === "skipped"));
    if (saysActive) {
      const why =
        service.lastLoad === "failed"
          ? "the load failed"
          : service.lastLoad === "skipped"
            ? "it skipped loading (USE_KDUMP)"
            : "nothing is loaded";
      return checkResult({
        id: ID,
        status: "warn",
        summary: `The kdump service reports success although ${why}`,
        evidence,
        remediation: [trust, "Fix the causes listed by kdump.loaded, then restart the service and re-check."],
      });
    }
    if (service.read) {
      const failedItself =
        service.started === false || (service.unit === "kdump" && service.lastLoad === "failed");
      const how =
        service.unitState === "not-found"
          ? "unit is not installed"
          : failedItself
            ? "reports the failure itself"
            : "did not start this boot";
      const cause = failure ? ` (root cause: ${failure.explanation})` : "";
      return checkResult({
        id: ID,
        status: "info",
        summary: `The kdump service ${how}${cause}; see kdump.loaded`,
        evidence,
      });
    }
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "Capture kernel not loaded; the service journal was not collected",
      evidence,
      remediation: [trust, ...forFamily(remediationFamily(facts), SERVICE_LOG)],
    });
  }
  return checkResult({
    id: ID,
    status: "unknown",
    summary: "Whether a capture kernel is loaded is unknown",
    evidence,
    remediation: [trust],
  });
}
