import { compareByteCounts } from "../byte-count.ts";
import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { REBOOT, steps } from "./family-commands.ts";
import { checkResult, forFamily, GiB, RUN_AS_ROOT, remediationFamily } from "./rule-kit.ts";

const ID = "crashkernel.low-region";

/**
 * R15 (domain §8, §1.7): a reservation above 4 GiB needs a low region for DMA (x86_64 default
 * max(swiotlb+8M, 256M), arm64/riscv 128M). Pass: low region present, or the reservation is below
 * 4 GiB. Warn: high-only, e.g. `crashkernel=0,low`. Not applicable without a reservation.
 */
export function checkCrashkernelLowRegion(facts: HostFacts): CheckResult {
  const { crashkernel: ck, reservation: res } = facts;
  const evidence = [...ck.evidence, ...res.evidence];
  const fix = forFamily(
    remediationFamily(facts),
    steps(
      {
        debian: [
          "Drop crashkernel=0,low, or set crashkernel=256M,low (x86_64; 128M on arm64) in /etc/default/grub.d/kdump-tools.cfg",
          "sudo update-grub",
        ],
        el: [
          "sudo grubby --update-kernel=ALL --remove-args=crashkernel=0,low   # or --args=crashkernel=256M,low (128M on arm64)",
        ],
        suse: [
          'Set KDUMP_CRASHKERNEL="crashkernel=<size>,high crashkernel=72M,low" in /etc/sysconfig/kdump (kdumptool calibrate shows Low), or use sudo yast2 kdump',
        ],
        azurelinux: [
          "Drop crashkernel=0,low, or add crashkernel=256M,low in /etc/default/grub.d/51_kexec_tools.cfg",
          "sudo grub2-mkconfig -o /boot/grub2/grub.cfg",
        ],
      },
      REBOOT,
    ),
  );
  if (facts.kdump.mode === "fadump") {
    return checkResult({
      id: ID,
      status: "info",
      summary: "Not applicable: fadump reserves its memory through the firmware",
      evidence,
    });
  }
  const main = res.regions.filter(
    (r) => r.kind === "main" && r.start !== null && compareByteCounts(r.start, 0) > 0,
  );
  const low = res.regions.filter((r) => r.kind === "low");
  if (main.length > 0) {
    const high = main.some((r) => r.start !== null && compareByteCounts(r.start, 4 * GiB) >= 0);
    if (!high)
      return checkResult({
        id: ID,
        status: "pass",
        summary: "The reservation lies below 4 GiB: no low region needed",
        evidence,
      });
    if (low.length > 0)
      return checkResult({
        id: ID,
        status: "pass",
        summary: "High reservation with a low region for DMA",
        evidence,
      });
    return checkResult({
      id: ID,
      status: "warn",
      summary:
        "Reservation above 4 GiB without a low region: devices needing DMA memory may fail in the capture kernel",
      evidence,
      remediation: fix,
    });
  }
  if (ck.kind === "high" && ck.placement === "below-4g" && low.length === 0) {
    // no RAM at or above 4 GiB: the kernel falls back below 4 GiB and adds no low region
    return checkResult({
      id: ID,
      status: "pass",
      summary: "crashkernel=…,high lands below 4 GiB on this host: no low region needed",
      evidence,
    });
  }
  if (ck.kind === "high" && ck.lowBytes === 0) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: "crashkernel=…,high with crashkernel=0,low: no low region for DMA",
      evidence,
      remediation: fix,
    });
  }
  if (ck.kind === "high") {
    if (low.length > 0)
      return checkResult({
        id: ID,
        status: "pass",
        summary: "High reservation with a low region for DMA",
        evidence,
      });
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "High reservation requested; region addresses unreadable, low region not confirmed",
      evidence,
      remediation: [RUN_AS_ROOT],
    });
  }
  if (ck.kind === "plain") {
    return checkResult({
      id: ID,
      status: "pass",
      summary:
        "Plain crashkernel=: placed below 4 GiB first, and the kernel adds a low region if it falls back high",
      evidence,
    });
  }
  if (!ck.cmdlineRead) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "The kernel command line was not collected",
      evidence,
      remediation: [RUN_AS_ROOT],
    });
  }
  return checkResult({
    id: ID,
    status: "info",
    summary: "Not applicable: no crashkernel reservation requested",
    evidence,
  });
}
