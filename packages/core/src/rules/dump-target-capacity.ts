import { byteCountToBigInt, compareByteCounts } from "../byte-count.ts";
import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import { checkResult, forFamily, formatBytes, GiB, remediationFamily } from "./rule-kit.ts";
import { shellCommand } from "./shell-quote.ts";

const ID = "dump-target.capacity";

/**
 * R10 (domain §8, §6.5): the dump target can take a dump. Local: free ≥ RAM pass; ≥ 10% RAM warn;
 * < 10% RAM or < 1 GiB fail (kdumpwatch policy; makedumpfile -d 31 dumps are usually far smaller,
 * but the worst case approaches RAM in use). Remote targets: warn, space and reachability
 * unverified.
 */
export function checkDumpTargetCapacity(facts: HostFacts): CheckResult {
  const target = facts.dumpTarget;
  const ram = facts.memory.systemRamBytes ?? facts.memory.memTotalBytes;
  const evidence = [...target.evidence, ...facts.memory.evidence];
  const dir = target.coredir ?? "/var/crash";
  const family = remediationFamily(facts);
  if (target.remote !== null) {
    const { kind, target: where } = target.remote;
    const propagate = forFamily(family, {
      debian: ["sudo kdump-config propagate   # installs the SSH key on the target"],
      el: ["sudo kdumpctl propagate   # installs the SSH key on the target"],
      suse: ["Check that KDUMP_SAVEDIR's SSH host accepts the key (KDUMP_HOST_KEY in /etc/sysconfig/kdump)"],
      azurelinux: ["sudo kdumpctl propagate   # installs the SSH key on the target"],
    });
    return checkResult({
      id: ID,
      status: "warn",
      summary: `Dumps go to a remote ${kind} target ${where}: space and reachability not verified`,
      evidence,
      remediation: [
        ...(kind === "ssh" ? propagate : [`Check free space on ${where} (at least the host's RAM).`]),
        "Test the whole path with a controlled crash in a maintenance window.",
      ],
    });
  }
  const fix = [
    `Free space on the filesystem of ${dir}, or move the dump directory to a larger filesystem:`,
    ...forFamily(family, {
      debian: ["KDUMP_COREDIR in /etc/default/kdump-tools; bound retention with KDUMP_NUM_DUMPS"],
      el: ["`path` in /etc/kdump.conf, then: sudo kdumpctl restart"],
      suse: ["KDUMP_SAVEDIR in /etc/sysconfig/kdump; bound retention with KDUMP_KEEP_OLD_DUMPS"],
      azurelinux: ["`path` in /etc/kdump.conf, then: sudo kdumpctl restart"],
    }),
  ];
  if (target.freeBytes === null) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: `Free space of ${dir} was not collected`,
      evidence,
      remediation: [shellCommand("df -P -k", dir)],
    });
  }
  const free = formatBytes(target.freeBytes);
  if (compareByteCounts(target.freeBytes, GiB) < 0) {
    return checkResult({
      id: ID,
      status: "fail",
      summary: `Only ${free} free for dumps in ${dir} (< 1 GiB)`,
      evidence,
      remediation: fix,
    });
  }
  if (ram === null) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: `${free} free in ${dir}, but the RAM size is unknown`,
      evidence,
      remediation: ["cat /proc/meminfo"],
    });
  }
  const ramText = formatBytes(ram);
  if (compareByteCounts(target.freeBytes, ram) >= 0) {
    return checkResult({
      id: ID,
      status: "pass",
      summary: `${free} free in ${dir} ≥ RAM ${ramText}`,
      evidence,
    });
  }
  if (byteCountToBigInt(target.freeBytes) * 10n >= byteCountToBigInt(ram)) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: `${free} free in ${dir} < RAM ${ramText}: a large dump may not fit`,
      evidence,
      remediation: fix,
    });
  }
  return checkResult({
    id: ID,
    status: "fail",
    summary: `${free} free in ${dir} < 10% of RAM ${ramText}`,
    evidence,
    remediation: fix,
  });
}
