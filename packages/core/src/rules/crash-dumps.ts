import type { CheckResult } from "../checks/check.ts";
import type { DumpEntry, HostFacts } from "../facts/host-facts.ts";
import { checkResult, forFamily, remediationFamily } from "./rule-kit.ts";
import { shellCommand } from "./shell-quote.ts";

const ID = "crash.dumps";

/** R14: unbounded retention warns from this many dumps on (domain §8). */
const RETENTION_WARN_AT = 3;

/** "3 days", "5 hours", "12 minutes" between a stamp (capture-kernel local time) and now. */
function age(time: string | null, now: Date): string | null {
  if (time === null) return null;
  // Stamps carry no zone (capture-kernel clock, trap 21): read them as UTC, good to a day.
  const then = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? time : `${time}Z`);
  if (Number.isNaN(then)) return null;
  const minutes = Math.round((now.getTime() - then) / 60_000);
  if (minutes < 0) return "in the future by the host clock";
  if (minutes < 120) return `${minutes} minutes ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} hours ago`;
  return `${Math.round(minutes / 1440)} days ago`;
}

function newest(entries: readonly DumpEntry[]): DumpEntry | undefined {
  return [...entries].sort((a, b) => (a.time ?? a.stamp ?? "").localeCompare(b.time ?? b.stamp ?? "")).at(-1);
}

/**
 * R13 + R14 (domain §8, §4.6, §6.6): dumps present in the dump directory. No dumps: pass. Complete
 * dumps: info with the newest stamp (the server alerts on a new stamp). Newest capture incomplete
 * (`*-incomplete` left over): warn. KDUMP_NUM_DUMPS=0 (keep all) with ≥ 3 dumps: warn.
 */
export function checkCrashDumps(facts: HostFacts, now: Date): CheckResult {
  const { dumps, dumpTarget } = facts;
  const evidence = dumps.evidence;
  const dir = dumpTarget.coredir ?? "/var/crash";
  if (!dumps.listed) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: `The dump directory ${dir} was not listed`,
      evidence,
      remediation: [shellCommand("sudo ls -lR", dir)],
    });
  }
  const latest = newest(dumps.entries);
  if (latest === undefined) {
    const apport =
      dumps.apportReports.length > 0
        ? ` (apport report ${dumps.apportReports.join(", ")} without a dump directory)`
        : "";
    return checkResult({ id: ID, status: "pass", summary: `No crash dumps in ${dir}${apport}`, evidence });
  }
  const when = age(latest.time, now);
  const newestText = `newest ${latest.stamp ?? latest.name}${when ? ` (${when})` : ""}`;
  if (latest.complete === false) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: `The last capture did not finish: ${latest.name} is incomplete (${dumps.entries.length} in ${dir}, ${newestText})`,
      evidence,
      remediation: [
        `Read the capture's kernel log and console log to see why saving failed: ${shellCommand("sudo ls -l", `${dir}/${latest.name}`)}`,
        "Check dump-target.capacity and crashkernel.size: a full disk or too little reserved memory are the usual causes.",
      ],
    });
  }
  if (dumpTarget.numDumps === 0 && dumps.entries.length >= RETENTION_WARN_AT) {
    return checkResult({
      id: ID,
      status: "warn",
      summary: `${dumps.entries.length} dumps kept without a limit (${remediationFamily(facts) === "suse" ? "KDUMP_KEEP_OLD_DUMPS" : "KDUMP_NUM_DUMPS"}=0), ${newestText}`,
      evidence,
      remediation: [
        ...forFamily(remediationFamily(facts), {
          debian: ["Set KDUMP_NUM_DUMPS=<n> in /etc/default/kdump-tools so old dumps are purged."],
          el: ["kdump.conf has no retention setting: archive and remove old dumps from the dump directory."],
          suse: ["Set KDUMP_KEEP_OLD_DUMPS=<n> in /etc/sysconfig/kdump so old dumps are purged."],
          azurelinux: [
            "kdump.conf has no retention setting: archive and remove old dumps from the dump directory.",
          ],
        }),
        "Analyse and archive old dumps, then remove them from the dump directory.",
      ],
    });
  }
  return checkResult({
    id: ID,
    status: "info",
    summary: `${dumps.entries.length} crash dump${dumps.entries.length === 1 ? "" : "s"} in ${dir}, ${newestText}: analyse with crash <vmlinux> <dump>`,
    evidence,
  });
}
