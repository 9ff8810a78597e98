/**
 * Which alert conditions hold for a host that just reported, derived from the judged result: pure.
 *
 * - KdumpCheckFailing per critical check (core CRITICAL_CHECKS) whose status is `fail`. A critical
 *   check judged `unknown` (evidence missing) neither fires nor resolves: missing evidence is not a fix.
 * - KdumpDuplicateMachineId while another host presents the same machine-id.
 * - KdumpCrashDumpFound per dump that appeared after the host's first report (that first listing is
 *   the baseline: dumps older than kdumpwatch on the host are shown by the crash.dumps check, not
 *   paged), while it stays in the dump directory; complete and incomplete dumps alike.
 * - KdumpHostStale is false: the host just reported (the stale sweep sets it true).
 */
import { type CheckResult, CRITICAL_CHECKS, type DumpEntry } from "@kdumpwatch/core";
import {
  type AlertDescription,
  type AlertKey,
  alertKeyString,
  DUMP_CHECK,
  DUPLICATE_CHECK,
  STALE_CHECK,
} from "./alert-types.ts";

export interface HostReport {
  hostId: string;
  hostname: string;
  checks: readonly CheckResult[];
  /** the dump directory listing; null when it could not be read */
  dumps: readonly DumpEntry[] | null;
  /** KDUMP_COREDIR or kdump.conf path, for the message */
  dumpDir: string | null;
  /** another host with the same machine-id, when there is one */
  duplicateOf: { hostId: string; hostname: string } | null;
}

export interface Observation {
  key: AlertKey;
  /** null: unknown now, keep the alert as it is */
  condition: boolean | null;
  description: AlertDescription;
}

export interface HostEvaluation {
  observations: Observation[];
  /** dump names to remember as the baseline (set on the first readable listing) */
  dumpBaseline: string[] | null;
}

/**
 * `openKeys`: the host's alerts that are not resolved (so a vanished dump resolves its alert).
 * `dumpBaseline`: the dump names of the host's first readable listing, null before one was seen.
 */
export function evaluateHost(
  report: HostReport,
  openKeys: readonly AlertKey[],
  dumpBaseline: readonly string[] | null,
): HostEvaluation {
  const { hostId, hostname } = report;
  const observations: Observation[] = [];

  for (const checkId of CRITICAL_CHECKS) {
    const result = report.checks.find((c) => c.id === checkId);
    const condition = result === undefined || result.status === "unknown" ? null : result.status === "fail";
    observations.push({
      key: { hostId, alertname: "KdumpCheckFailing", check: checkId, subject: "" },
      condition,
      description: {
        hostname,
        summary: result?.summary ?? `${checkId}: not judged`,
        remediation: (result?.remediation ?? []).join("\n"),
      },
    });
  }

  observations.push({
    key: { hostId, alertname: "KdumpHostStale", check: STALE_CHECK, subject: "" },
    condition: false,
    description: { hostname, summary: `${hostname} reported again`, remediation: "" },
  });

  const dup = report.duplicateOf;
  observations.push({
    key: { hostId, alertname: "KdumpDuplicateMachineId", check: DUPLICATE_CHECK, subject: "" },
    condition: dup !== null,
    description: {
      hostname,
      summary:
        dup === null
          ? `${hostname} has its own machine-id`
          : `${hostname} presents the same machine-id as ${dup.hostname} (${dup.hostId}): recorded as a duplicate, not merged`,
      remediation:
        dup === null
          ? ""
          : "On a cloned host, give it its own identity: `rm /etc/machine-id && systemd-machine-id-setup`, then remove the agent state directory and re-enroll.",
    },
  });

  const dumpEval = evaluateDumps(report, openKeys, dumpBaseline);
  observations.push(...dumpEval.observations);
  return { observations, dumpBaseline: dumpEval.baseline };
}

function evaluateDumps(
  report: HostReport,
  openKeys: readonly AlertKey[],
  baseline: readonly string[] | null,
): { observations: Observation[]; baseline: string[] | null } {
  const { hostId, hostname } = report;
  const openDumpKeys = openKeys.filter((k) => k.alertname === "KdumpCrashDumpFound");
  if (report.dumps === null) {
    // listing unreadable: nothing is known, nothing changes
    return {
      observations: openDumpKeys.map((key) => ({
        key,
        condition: null,
        description: { hostname, summary: `dump ${key.subject}`, remediation: "" },
      })),
      baseline: null,
    };
  }
  if (baseline === null) {
    return { observations: [], baseline: report.dumps.map((d) => d.name) };
  }
  const known = new Set(baseline);
  const dir = report.dumpDir ?? "the dump directory";
  const byName = new Map(report.dumps.map((d) => [d.name, d]));
  const observations: Observation[] = [];
  const seen = new Set<string>();
  for (const d of report.dumps) {
    if (known.has(d.name)) continue;
    const key: AlertKey = { hostId, alertname: "KdumpCrashDumpFound", check: DUMP_CHECK, subject: d.name };
    seen.add(alertKeyString(key));
    observations.push({ key, condition: true, description: describeDump(hostname, d, dir) });
  }
  for (const key of openDumpKeys) {
    if (seen.has(alertKeyString(key))) continue;
    const d = byName.get(key.subject);
    observations.push({
      key,
      condition: false,
      description:
        d === undefined
          ? { hostname, summary: `dump ${key.subject} is no longer in ${dir}`, remediation: "" }
          : describeDump(hostname, d, dir),
    });
  }
  return { observations, baseline: null };
}

function describeDump(hostname: string, d: DumpEntry, dir: string): AlertDescription {
  const state = d.complete ? "complete" : "INCOMPLETE (the capture did not finish)";
  const when = d.time === null ? "" : ` from ${d.time}`;
  return {
    hostname,
    summary: `${hostname} crashed: new dump ${d.name}${when} in ${dir}, ${state}`,
    remediation: [
      `Analyse it, e.g. \`crash /usr/lib/debug/boot/vmlinux-$(uname -r) ${dir}/${d.name}/dump.*\` (matching debug kernel).`,
      `Then move it off the host; the alert resolves when ${d.name} leaves ${dir}.`,
    ].join("\n"),
  };
}

/** The stale observation the sweep makes for a host that has not reported. */
export function staleObservation(
  hostId: string,
  hostname: string,
  stale: boolean,
  upSecondsSilent: number,
): Observation {
  const minutes = Math.round(upSecondsSilent / 60);
  return {
    key: { hostId, alertname: "KdumpHostStale", check: STALE_CHECK, subject: "" },
    condition: stale,
    description: {
      hostname,
      summary: stale
        ? `${hostname} has not reported for ${minutes} min of server uptime`
        : `${hostname} reported again`,
      remediation: stale
        ? "Check the agent on the host (`systemctl status kdumpwatch-agent`, its journal) and its network path to the server."
        : "",
    },
  };
}
