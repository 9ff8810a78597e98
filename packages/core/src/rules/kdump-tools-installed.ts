import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { ENABLE_SERVICE, INSTALL, REBOOT, steps } from "./family-commands.ts";
import { checkResult, forFamily, RUN_AS_ROOT, remediationFamily } from "./rule-kit.ts";

const ID = "kdump.tools-installed";

const TOOL_NAMES: Readonly<Record<string, string>> = {
  "kdump-tools": "kdump-tools (kdump-config)",
  kdumpctl: "kdumpctl (kexec-tools/kdump-utils)",
  kdumptool: "the kdump package (kdumptool)",
};

/** The family's own tool, whose absence is what "not installed" means on that family. */
const FAMILY_TOOL: Readonly<Record<string, string>> = {
  debian: "kdump-config (kdump-tools)",
  el: "kdumpctl (kexec-tools/kdump-utils)",
  azurelinux: "kdumpctl (kexec-tools)",
  suse: "kdumptool (kdump)",
};

/** Why the tooling is missing, in words: the summary names it even when there is no line to cite. */
function missingReason(facts: HostFacts): string {
  const { kdump, service, identity } = facts;
  if (kdump.packages && kdump.packages.installed.length === 0) return "no kdump package is installed";
  if (service.unitState === "not-found") return "systemd has no kdump unit";
  const tool = FAMILY_TOOL[identity.os.family];
  return tool ? `${tool} could not be run` : "neither kdump-config nor kdumpctl could be run";
}

/**
 * R01 (domain §8): the family's kdump tooling is present: kdump-tools (Debian/Ubuntu),
 * kexec-tools / kdump-utils (EL, Azure Linux), kdump (SUSE). Judged from the tools that answered,
 * the installed packages, the kdump unit systemd knows, and what other facts imply (a loaded
 * capture kernel: facts/implications.ts). "command not found", exit 127, `Unit … could not be
 * found` for every kdump unit, or a package list without them fails.
 */
export function checkKdumpToolsInstalled(facts: HostFacts): CheckResult {
  const { kdump } = facts;
  const install = forFamily(remediationFamily(facts), steps(INSTALL, ENABLE_SERVICE, REBOOT));
  if (kdump.installed === true) {
    const name = kdump.tool ? TOOL_NAMES[kdump.tool] : "The kdump tooling";
    const which = kdump.packages?.installed.length ? ` (${kdump.packages.installed.join(", ")})` : "";
    return checkResult({
      id: ID,
      status: "pass",
      summary: `${name} is installed${which}`,
      evidence: kdump.installedEvidence,
    });
  }
  if (kdump.installed === false) {
    return checkResult({
      id: ID,
      status: "fail",
      summary: `No kdump tooling found: ${missingReason(facts)}`,
      evidence: kdump.installedEvidence,
      remediation: install,
    });
  }
  return checkResult({
    id: ID,
    status: "unknown",
    summary:
      "Could not tell whether kdump tooling is installed (no tool output, package list or service status collected)",
    evidence: kdump.installedEvidence,
    remediation: [RUN_AS_ROOT, ...install.map((s) => `If missing: ${s}`)],
  });
}
