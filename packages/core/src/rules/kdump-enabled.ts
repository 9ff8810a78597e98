import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { checkResult, forFamily, RUN_AS_ROOT } from "./rule-kit.ts";

const ID = "kdump.enabled";

/**
 * R02 (domain §8): `USE_KDUMP=1` in /etc/default/kdump-tools (Debian/Ubuntu; `0`, empty or the
 * `USE_KDUMP is not set or zero` message fail); on EL the kdump service enabled or `kdumpctl
 * status` operational.
 */
export function checkKdumpEnabled(facts: HostFacts): CheckResult {
  const { kdump, identity } = facts;
  const enable = forFamily(kdump.tool === "kdumpctl" ? "el" : identity.os.family, {
    debian: [
      "Set USE_KDUMP=1 in /etc/default/kdump-tools (or `sudo dpkg-reconfigure kdump-tools`)",
      "sudo kdump-config load",
    ],
    el: ["sudo systemctl enable --now kdump", "sudo kdumpctl status"],
  });
  if (kdump.enabled === true) {
    const how = kdump.useKdump !== null ? `USE_KDUMP=${kdump.useKdump}` : "kdump service enabled";
    return checkResult(ID, "pass", `kdump is enabled (${how})`, kdump.enabledEvidence);
  }
  if (kdump.enabled === false) {
    const how =
      kdump.useKdump !== null
        ? `USE_KDUMP=${kdump.useKdump === "" ? '""' : kdump.useKdump}`
        : kdump.installed === false
          ? "no kdump tooling is installed to enable it"
          : "kdump service not enabled";
    return checkResult(ID, "fail", `kdump is disabled (${how})`, kdump.enabledEvidence, enable);
  }
  return checkResult(
    ID,
    "unknown",
    "Could not tell whether kdump is enabled (no USE_KDUMP setting or service state collected)",
    kdump.enabledEvidence,
    [RUN_AS_ROOT, ...enable.map((s) => `If disabled: ${s}`)],
  );
}
