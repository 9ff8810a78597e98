import { compareByteCounts } from "../byte-count.ts";
import type { CheckResult } from "../checks/check.ts";
import type { HostFacts, ReservedRegion } from "../facts/host-facts.ts";
import { checkResult, formatBytes, RUN_AS_ROOT } from "./rule-kit.ts";

const ID = "crashkernel.reserved";

const FIX = [
  "Reboot after setting or changing crashkernel= (the reservation is made only at boot).",
  'If the kernel log says "memory is in use" or "cannot allocate": pick a smaller size or drop the @offset.',
  "On large hosts reserve above 4 GiB with crashkernel=<size>,high.",
];

/** "320 MiB at 0x60000000" lines for the summary. */
function describeRegions(regions: readonly ReservedRegion[]): string {
  return regions
    .filter((r) => r.bytes !== null || r.start !== null)
    .map((r) => {
      const size = r.bytes !== null ? formatBytes(r.bytes) : "a region";
      const at =
        r.start !== null && compareByteCounts(r.start, 0) > 0 ? ` at 0x${BigInt(r.start).toString(16)}` : "";
      return `${r.kind === "main" ? "" : `${r.kind} `}${size}${at}`;
    })
    .join(" + ");
}

/**
 * R04 (domain §8): memory actually reserved for the capture kernel. A `crashkernel=` token proves
 * nothing (trap 1) and a missing failure line proves nothing (trap 9): only kexec_crash_size,
 * /proc/iomem `Crash kernel`, a dmesg success line, `crashkernel addr: 0x…` or the fadump
 * reservation count. Zeroed non-root reads (`0x`, trap 10) are indirect evidence only: warn —
 * unless a capture kernel is loaded, which proves the region exists (facts/implications.ts).
 */
export function checkCrashkernelReserved(facts: HostFacts): CheckResult {
  const res = facts.reservation;
  const evidence = [...res.evidence, ...res.failures];
  const fadump = facts.kdump.mode === "fadump" ? " (fadump)" : "";
  const implied = facts.implications.find((i) => i.id === "loaded-implies-reserved");
  if (implied && res.reservedSeen && res.bytes === null && res.regions.length === 0) {
    return checkResult({
      id: ID,
      status: "pass",
      summary: `Memory is reserved: ${implied.conclusion} (size not read)`,
      evidence: [...implied.evidence, ...evidence],
    });
  }
  if (res.reservedSeen && !res.indirect && res.bytes !== 0) {
    const what = res.regions.length > 0 ? describeRegions(res.regions) : "";
    const size = res.bytes !== null ? formatBytes(res.bytes) : what || "memory";
    const detail = what && what !== size ? ` (${what})` : "";
    return checkResult({
      id: ID,
      status: "pass",
      summary: `${size} reserved for the capture kernel${fadump}${detail}`,
      evidence,
    });
  }
  if (res.reservedSeen && res.indirect) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: "A crash kernel region is listed, but its size and address were unreadable (non-root read)",
      evidence,
      remediation: [RUN_AS_ROOT],
    });
  }
  if (res.failures.length > 0) {
    return checkResult({
      id: ID,
      status: "fail",
      summary: `No memory reserved: the kernel reported a reservation failure (${res.failures[0]?.text.trim()})`,
      evidence,
      remediation: FIX,
    });
  }
  if (res.noneSeen) {
    return checkResult({
      id: ID,
      status: "fail",
      summary: `No memory is reserved for the capture kernel${fadump}`,
      evidence,
      remediation: FIX,
    });
  }
  return checkResult({
    id: ID,
    status: "unknown",
    summary:
      "Could not confirm a reservation: no kexec_crash_size, readable /proc/iomem or boot-time kernel log",
    evidence,
    remediation: [RUN_AS_ROOT, "cat /sys/kernel/kexec_crash_size   # > 0 means memory is reserved"],
  });
}
