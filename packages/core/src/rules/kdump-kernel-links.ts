import type { CheckResult } from "../checks/check.ts";
import type { HostFacts, LinkFacts } from "../facts/host-facts.ts";
import { checkResult, remediationFamily } from "./rule-kit.ts";

const ID = "kdump.kernel-links";

const FIX = [
  "sudo kdump-config symlinks $(uname -r)",
  "sudo /etc/kernel/postinst.d/kdump-tools $(uname -r)   # rebuilds the kdump initrd",
  "sudo kdump-config reload",
];

/**
 * R09 (domain §8, §4.2): kdump-tools' /var/lib/kdump/vmlinuz and initrd.img links resolve and point
 * at the running kernel's files. Fail: broken link, or `KDUMP_KERNEL/INITRD does not exist`.
 * Warn: links for another kernel version; `Unknown (can't find decompressed initrd size)`.
 * Not applicable to kdumpctl hosts (they build /boot/initramfs-<ver>kdump.img themselves).
 */
export function checkKdumpKernelLinks(facts: HostFacts): CheckResult {
  const { kdump } = facts;
  const links = [kdump.kernelLink, kdump.initrdLink].filter((l): l is LinkFacts => l !== null);
  const evidence = [...links.flatMap((l) => l.evidence), ...kdump.linkProblems, ...kdump.suggestedEvidence];
  // the links are kdump-tools' (Debian/Ubuntu); kdumpctl and SUSE's kdump build their own initramfs
  const family = remediationFamily(facts);
  if (
    kdump.tool === "kdumpctl" ||
    kdump.tool === "kdumptool" ||
    (kdump.tool === null && family !== "debian" && family !== "unknown")
  ) {
    return checkResult({
      id: ID,
      status: "info",
      summary: "Not applicable: this tooling builds its own kdump initramfs",
      evidence,
    });
  }
  const broken = links.filter((l) => l.broken);
  if (broken.length > 0 || kdump.linkProblems.length > 0) {
    const what =
      broken.length > 0
        ? `broken link ${broken.map((l) => l.path).join(", ")}`
        : "kdump kernel or initrd missing";
    return checkResult({
      id: ID,
      status: "fail",
      summary: `The capture kernel cannot be loaded: ${what}`,
      evidence,
      remediation: FIX,
    });
  }
  if (kdump.tool === null) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "kdump-config show was not collected",
      evidence,
      remediation: ["sudo kdump-config show"],
    });
  }
  if (!kdump.linksShown || links.length === 0) {
    return checkResult({
      id: ID,
      status: "info",
      summary: "kdump-config show prints no link lines (kdump-tools before 2016)",
      evidence,
    });
  }
  const running = facts.identity.kernelRelease;
  const versions = links.map((l) => l.version).filter((v): v is string => v !== null);
  const stale = running === null ? [] : links.filter((l) => l.version !== null && l.version !== running);
  if (stale.length > 0) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: `kdump links point at ${stale.map((l) => l.version).join(", ")} but the running kernel is ${running}`,
      evidence,
      remediation: FIX,
    });
  }
  const reason = kdump.suggestedUnknownReason;
  if (reason !== null && /decompressed initrd size/.test(reason)) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: `The kdump initrd looks unusable: ${reason}`,
      evidence,
      remediation: FIX,
    });
  }
  if (running === null) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "Links resolve, but the running kernel release is unknown (uname not collected)",
      evidence,
      remediation: ["uname -r; sudo kdump-config show   # compare the versions"],
    });
  }
  if (versions.length === 0) {
    return checkResult({
      id: ID,
      status: "info",
      summary: "KDUMP_KERNEL/KDUMP_INITRD are custom paths, not versioned links",
      evidence,
    });
  }
  return checkResult({
    id: ID,
    status: "pass",
    summary: `kdump kernel and initrd links match the running kernel ${running}`,
    evidence,
  });
}
