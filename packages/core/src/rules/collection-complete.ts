import type { CheckResult } from "../checks/check.ts";
import type { HostFacts } from "../facts/host-facts.ts";
import type { SourceId } from "../sources.ts";
import { checkResult } from "./rule-kit.ts";

const ID = "collection.complete";

/**
 * R17 (domain §8): collection integrity. Warn when a source was unreadable (permission: usually
 * not root), timed out, failed, was cut at its size cap, its parser failed (a kdumpwatch bug), or
 * /proc/iomem came back zeroed (trap 10), a tool's output was cut short without a truncated flag
 * (facts/incomplete-outputs.ts), and when /proc/cmdline (present on every Linux host) is missing
 * and the boot log's `Command line:` could not stand in for it. Sources that are simply absent
 * (no kdumpctl on Ubuntu, no fadump on x86) are normal and only counted.
 */
export function checkCollectionComplete(facts: HostFacts): CheckResult {
  const c = facts.collection;
  const problems: string[] = [];
  const list = (ids: readonly SourceId[]): string => ids.join(", ");
  if (c.permission.length > 0) problems.push(`unreadable (permission): ${list(c.permission)}`);
  if (c.timeout.length > 0) problems.push(`timed out: ${list(c.timeout)}`);
  if (c.failed.length > 0) problems.push(`failed: ${list(c.failed)}`);
  if (c.truncated.length > 0) problems.push(`truncated at the size cap: ${list(c.truncated)}`);
  if (c.incomplete.length > 0) problems.push(`output cut short: ${list(c.incomplete)}`);
  if (c.unparsed.length > 0) problems.push(`could not be parsed (kdumpwatch bug): ${list(c.unparsed)}`);
  if (c.iomemZeroed) problems.push("/proc/iomem addresses read as zeros (not root)");
  if ((c.sources.cmdline === "missing" || c.sources.cmdline === "absent") && c.standIns.cmdline === undefined)
    problems.push("/proc/cmdline missing");
  const read = Object.values(c.sources).filter((s) => s === "ok" || s === "truncated").length;
  if (problems.length > 0) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: `Collection incomplete: ${problems.join("; ")}`,
      evidence: c.evidence,
      remediation: [
        "Run the kdumpwatch agent as root (or with CAP_SYS_ADMIN) so every source can be read.",
        ...(c.timeout.length > 0 || c.truncated.length > 0
          ? ["Raise the agent's collection timeouts and size caps."]
          : []),
      ],
    });
  }
  const absent = c.missing.length > 0 ? `; ${c.missing.length} not present on this host` : "";
  const stood = Object.entries(c.standIns).map(([missing, by]) => `${missing} from ${by}`);
  const standIns = stood.length > 0 ? `; stood in: ${stood.join(", ")}` : "";
  return checkResult({
    id: ID,
    status: "pass",
    summary: `${read} sources read completely${absent}${standIns}`,
    evidence: c.evidence,
  });
}
