import type { Verdict } from "@kdumpwatch/core";
import type { hosts } from "@kdumpwatch/db";
import type { HostSummary } from "@kdumpwatch/protocol";

export type HostRow = typeof hosts.$inferSelect;

/** A host is stale when its stale clock started before this moment (see schema.ts `hosts`). */
export function staleCutoff(now: Date, staleAfterSec: number): Date {
  return new Date(now.getTime() - staleAfterSec * 1000);
}

const VERDICT_SET = new Set<string>(["ready", "at_risk", "not_ready", "unknown"]);

export function asVerdict(value: string | null | undefined): Verdict {
  return value && VERDICT_SET.has(value) ? (value as Verdict) : "unknown";
}

/** The API view of a host row. */
export function toHostSummary(row: HostRow, cutoff: Date): HostSummary {
  return {
    id: row.id,
    hostname: row.hostname,
    machineId: row.machineId,
    verdict: asVerdict(row.verdict),
    stale: row.staleClockAt.getTime() < cutoff.getTime(),
    failing: row.failing,
    os: row.os,
    kernel: row.kernel,
    ramBytes: row.ramBytes,
    crashkernel: row.crashkernel,
    reservedBytes: row.reservedBytes,
    lastSeenAt: row.lastSeenAt.toISOString(),
    verdictSince: row.verdictSince.toISOString(),
    enrolledAt: row.enrolledAt.toISOString(),
    agentVersion: row.agentVersion,
    duplicateOf: row.duplicateOf,
    ingestFailure:
      row.ingestFailingSince === null
        ? null
        : { since: row.ingestFailingSince.toISOString(), reason: row.ingestFailureReason ?? "unknown" },
    // sorted by name: the API, the exports and the dashboard show one stable order
    labels: Object.fromEntries(
      Object.entries(row.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    decommissionedAt: row.decommissionedAt?.toISOString() ?? null,
  };
}
