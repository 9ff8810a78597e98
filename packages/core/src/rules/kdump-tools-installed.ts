import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { checkResult, forFamily, RUN_AS_ROOT } from "./rule-kit.ts";

const ID = "kdump.tools-installed";

/**
 * R01 (domain §8): kdump-tools (Debian/Ubuntu) or kexec-tools/kdump-utils (EL) present. Judged from
 * whether `kdump-config show` / `kdumpctl status` ran; "command not found" / exit 127 fails.
 */
export function checkKdumpToolsInstalled(facts: HostFacts): CheckResult {
  const { kdump, identity } = facts;
  const install = forFamily(identity.os.family, {
    debian: [
      "sudo apt install kdump-tools",
      "sudo reboot   # so the crashkernel= it adds to GRUB takes effect",
    ],
    el: ["sudo dnf install kdump-utils   # kexec-tools on EL ≤ 9", "sudo systemctl enable --now kdump"],
    suse: ["sudo zypper install kdump", "sudo systemctl enable --now kdump"],
  });
  if (kdump.installed === true) {
    const name =
      kdump.tool === "kdumpctl" ? "kdumpctl (kexec-tools/kdump-utils)" : "kdump-tools (kdump-config)";
    return checkResult(ID, "pass", `${name} is installed`, kdump.installedEvidence);
  }
  if (kdump.installed === false) {
    return checkResult(
      ID,
      "fail",
      "No kdump tooling found: neither kdump-config nor kdumpctl could be run",
      kdump.installedEvidence,
      install,
    );
  }
  return checkResult(
    ID,
    "unknown",
    "Could not tell whether kdump tooling is installed (kdump-config/kdumpctl not collected)",
    kdump.installedEvidence,
    [RUN_AS_ROOT, ...install.map((s) => `If missing: ${s}`)],
  );
}
