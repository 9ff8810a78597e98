import { type ByteCount, byteCountToNumber, compareByteCounts, sumByteCounts } from "../byte-count.ts";
import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { CRASH_TEST, REBOOT, setCrashkernel, steps } from "./family-commands.ts";
import { checkResult, forFamily, formatBytes, MiB, remediationFamily } from "./rule-kit.ts";

const ID = "crashkernel.size";

/** R05 floors when no tool suggests a size (domain §8; Debian's 192M after OOMs at 128M, §6.4). */
const FLOOR_BY_ARCH: Readonly<Record<string, number>> = {
  x86_64: 192 * MiB,
  amd64: 192 * MiB,
  aarch64: 256 * MiB,
  arm64: 256 * MiB,
};

/**
 * Bytes available to the capture kernel: the main region(s). The low region of a `,high`
 * reservation is DMA memory for the capture kernel, not room for it, and both suggestions
 * (kdump-config, kdumpctl estimate) are compared against the crashkernel size.
 */
export function mainReservedBytes(facts: HostFacts): ByteCount | null {
  const res = facts.reservation;
  const main = res.regions.filter((r) => r.kind === "main" || r.kind === "fadump");
  const sum = main.length > 0 ? sumByteCounts(main.map((r) => r.bytes)) : null;
  return sum ?? res.bytes;
}

/**
 * R05 (domain §8): reservation ≥ the suggested size (`crashkernel suggested size`, `Recommended
 * crashkernel`); without a suggestion, < 192 MiB on x86_64 / < 256 MiB on arm64 warns.
 * Nothing reserved is not this check's failure (crashkernel.reserved): info.
 */
export function checkCrashkernelSize(facts: HostFacts): CheckResult {
  const { kdump } = facts;
  const reserved = mainReservedBytes(facts);
  const evidence = [...facts.reservation.evidence, ...kdump.suggestedEvidence];
  const raise = (target: string): string[] =>
    forFamily(remediationFamily(facts), steps(setCrashkernel(target), REBOOT, CRASH_TEST));

  if (reserved === 0 || (reserved === null && facts.reservation.noneSeen)) {
    return checkResult({
      id: ID,
      status: "info",
      summary: "Not applicable: nothing is reserved (see crashkernel.reserved)",
      evidence,
    });
  }
  if (reserved === null) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "The reserved size is unknown, so it cannot be compared",
      evidence,
      remediation: ["cat /sys/kernel/kexec_crash_size"],
    });
  }
  if (kdump.suggestedBytes !== null) {
    const suggested = formatBytes(kdump.suggestedBytes);
    if (compareByteCounts(reserved, kdump.suggestedBytes) >= 0) {
      return checkResult({
        id: ID,
        status: "pass",
        summary: `${formatBytes(reserved)} reserved ≥ suggested ${suggested}`,
        evidence,
      });
    }
    return checkResult({
      id: ID,
      status: "warn",
      summary: `${formatBytes(reserved)} reserved < suggested ${suggested}: the capture kernel may run out of memory`,
      evidence,
      remediation: raise(`${Math.ceil(byteCountToNumber(kdump.suggestedBytes) / MiB)}M`),
    });
  }
  if (kdump.mode === "fadump") {
    return checkResult({
      id: ID,
      status: "info",
      summary: `${formatBytes(reserved)} reserved for fadump; no size suggestion for fadump`,
      evidence,
    });
  }
  const arch = facts.identity.arch;
  const floor = arch !== null ? FLOOR_BY_ARCH[arch] : undefined;
  const reason = kdump.suggestedUnknownReason ? ` (kdump-config: ${kdump.suggestedUnknownReason})` : "";
  if (floor === undefined) {
    return checkResult({
      id: ID,
      status: "info",
      summary: `${formatBytes(reserved)} reserved; no suggested size${reason} and no baseline for ${arch ?? "an unknown architecture"}`,
      evidence,
    });
  }
  if (compareByteCounts(reserved, floor) < 0) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: `${formatBytes(reserved)} reserved < ${formatBytes(floor)} baseline for ${arch}${reason}`,
      evidence,
      remediation: raise(`${floor / MiB}M`),
    });
  }
  return checkResult({
    id: ID,
    status: "pass",
    summary: `${formatBytes(reserved)} reserved ≥ ${formatBytes(floor)} baseline for ${arch}${reason}`,
    evidence,
  });
}
