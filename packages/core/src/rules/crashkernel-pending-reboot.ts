import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { REBOOT, steps } from "./family-commands.ts";
import { checkResult, forFamily, remediationFamily } from "./rule-kit.ts";

const ID = "crashkernel.pending-reboot";

/** The plain value of the last `crashkernel=` token of a command line (kernel rule, domain §1.2). */
function show(value: string | null): string {
  return value === null ? "no crashkernel=" : `crashkernel=${value}`;
}

/**
 * Not in domain §8 (product.md §2): the crashkernel= the bootloader configuration (GRUB defaults
 * and grub.d drop-ins) will pass differs from the running command line, so a reboot is needed
 * before the change takes effect. Compares the effective plain value of both.
 * EL keeps kernel arguments in BLS entries (grubby), so a missing value in /etc/default/grub on EL
 * is not a difference.
 */
export function checkCrashkernelPendingReboot(facts: HostFacts): CheckResult {
  const configured = facts.configuredCrashkernel;
  const ck = facts.crashkernel;
  const evidence = [...configured.evidence, ...ck.evidence];
  const family = remediationFamily(facts);
  if (!configured.read || !ck.cmdlineRead) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: configured.read
        ? "The running command line was not collected"
        : "The GRUB defaults (/etc/default/grub) were not collected",
      evidence,
      remediation: ["Collect /etc/default/grub, /etc/default/grub.d/*.cfg and /proc/cmdline."],
    });
  }
  const running = ck.effective;
  if (configured.value === null && family !== "debian" && family !== "azurelinux") {
    return checkResult({
      id: ID,
      status: "info",
      summary: `No crashkernel= in the GRUB defaults; the running kernel has ${show(running)} (kernel arguments may live in the boot entries${family === "el" ? ", see grubby --info=ALL" : ""})`,
      evidence,
    });
  }
  if (configured.value === running) {
    return checkResult({
      id: ID,
      status: "pass",
      summary: `The running kernel already uses the configured ${show(running)}`,
      evidence,
    });
  }
  const where = configured.file !== null ? ` (${configured.file})` : "";
  return checkResult({
    id: ID,
    status: "warn",
    summary: `Configured ${show(configured.value)}${where} differs from the running ${show(running)}: takes effect after a reboot`,
    evidence,
    remediation: forFamily(
      family,
      steps(
        {
          debian: ["sudo update-grub   # if not run since the change"],
          el: ["sudo grubby --info=ALL | grep crashkernel   # confirm what the next boot uses"],
          suse: ["grep crashkernel /boot/grub2/grub.cfg   # confirm what the next boot uses"],
          azurelinux: ["sudo grub2-mkconfig -o /boot/grub2/grub.cfg   # if not run since the change"],
        },
        REBOOT,
      ),
    ),
  });
}
