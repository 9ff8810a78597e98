import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { ENABLE_SERVICE, RELOAD, steps } from "./family-commands.ts";
import { checkResult, forFamily, RUN_AS_ROOT, remediationFamily } from "./rule-kit.ts";

const ID = "kdump.enabled";

const ENABLE = steps(
  {
    debian: ["Set USE_KDUMP=1 in /etc/default/kdump-tools (or `sudo dpkg-reconfigure kdump-tools`)"],
    el: [],
    suse: [],
    azurelinux: [],
  },
  ENABLE_SERVICE,
  RELOAD,
);

/**
 * R02 (domain §8): kdump switched on for the next boot: `USE_KDUMP=1` in /etc/default/kdump-tools
 * (Debian/Ubuntu; `0`, empty or the `USE_KDUMP is not set or zero` message fail), and the unit
 * enabled at boot (`systemctl status`: `Loaded: …; enabled;`) on every family; on EL also
 * `kdumpctl status` operational. A capture kernel loaded now with kdump switched off for the next
 * boot is armed today and lost at the next reboot: warn, not fail.
 */
export function checkKdumpEnabled(facts: HostFacts): CheckResult {
  const { kdump } = facts;
  const enable = forFamily(remediationFamily(facts), ENABLE);
  if (kdump.enabled === true) {
    const how = kdump.useKdump !== null ? `USE_KDUMP=${kdump.useKdump}` : "kdump service enabled";
    return checkResult({
      id: ID,
      status: "pass",
      summary: `kdump is enabled (${how})`,
      evidence: kdump.enabledEvidence,
    });
  }
  if (kdump.enabled === false) {
    const how =
      kdump.useKdump !== null && kdump.useKdump !== "1"
        ? `USE_KDUMP=${kdump.useKdump === "" ? '""' : kdump.useKdump}`
        : kdump.installed === false
          ? "no kdump tooling is installed to enable it"
          : facts.service.enabledAtBoot === false
            ? "the kdump service is disabled at boot"
            : "kdump service not enabled";
    if (kdump.state === "ready") {
      return checkResult({
        id: ID,
        status: "warn",
        summary: `A capture kernel is loaded now, but kdump is switched off for the next boot (${how})`,
        evidence: kdump.enabledEvidence,
        remediation: enable,
      });
    }
    return checkResult({
      id: ID,
      status: "fail",
      summary: `kdump is disabled (${how})`,
      evidence: kdump.enabledEvidence,
      remediation: enable,
    });
  }
  return checkResult({
    id: ID,
    status: "unknown",
    summary: "Could not tell whether kdump is enabled (no USE_KDUMP setting or service state collected)",
    evidence: kdump.enabledEvidence,
    remediation: [RUN_AS_ROOT, ...enable.map((s) => `If disabled: ${s}`)],
  });
}
