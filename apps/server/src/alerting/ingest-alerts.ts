/**
 * KdumpIngestFailing follows the hosts' "evidence not stored" mark (services/ingest-state.ts):
 * hosts marked without an alert that holds get a true observation, open alerts of hosts whose mark
 * is gone (a snapshot was stored again) a clearing one. Hold and hysteresis are the engine's.
 */
import { alerts, and, type Db, eq, hosts, inArray, isNotNull, isNull, sql, type Tx } from "@kdumpwatch/db";
import type { AlertRow } from "./alert-store.ts";
import { INGEST_FAILING_CHECK } from "./alert-types.ts";
import type { Observation } from "./conditions.ts";
import { syncHostCondition } from "./host-condition-sync.ts";

export interface IngestSyncOptions {
  batch: number;
  /** the engine's step for one alert, inside the transaction */
  apply(tx: Tx, obs: Observation, row: AlertRow | null): Promise<void>;
}

/** Returns how many hosts it looked at. */
export async function syncIngestAlerts(db: Db, now: Date, o: IngestSyncOptions): Promise<number> {
  const failing = await db
    .select({
      id: hosts.id,
      hostname: hosts.hostname,
      since: hosts.ingestFailingSince,
      reason: hosts.ingestFailureReason,
      labels: hosts.labels,
    })
    .from(hosts)
    .where(
      and(
        isNotNull(hosts.ingestFailingSince),
        sql`not exists (select 1 from ${alerts} a where a.host_id = ${hosts.id}
              and a.alertname = 'KdumpIngestFailing' and a.resolved_at is null and a.state <> 'clearing')`,
      ),
    )
    .limit(o.batch * 5);
  const back = await db
    .select({ id: alerts.id })
    .from(alerts)
    .innerJoin(hosts, eq(hosts.id, alerts.hostId))
    .where(
      and(
        eq(alerts.alertname, "KdumpIngestFailing"),
        isNull(alerts.resolvedAt),
        inArray(alerts.state, ["pending", "firing"]),
        isNull(hosts.ingestFailingSince),
      ),
    )
    .limit(o.batch * 5);
  if (failing.length === 0 && back.length === 0) return 0;
  await syncHostCondition(db, {
    raise: failing.map((h) => {
      const obs = ingestObservation(h.id, h.hostname, {
        since: h.since ?? now,
        reason: h.reason ?? "unknown",
      });
      obs.description.hostLabels = h.labels ?? {};
      return obs;
    }),
    clearIds: back.map((b) => b.id),
    cleared: (row, d) => ingestObservation(row.hostId, d.hostname, null),
    apply: o.apply,
  });
  return failing.length + back.length;
}

/** The observation for a host whose snapshots fail to store (`failure`) or are stored again (null). */
function ingestObservation(
  hostId: string,
  hostname: string,
  failure: { since: Date; reason: string } | null,
): Observation {
  return {
    key: { hostId, alertname: "KdumpIngestFailing", check: INGEST_FAILING_CHECK, subject: "" },
    condition: failure !== null,
    description: {
      hostname,
      summary:
        failure === null
          ? `${hostname}: snapshots are stored again`
          : `${hostname}: snapshots not stored since ${failure.since.toISOString()} (${failure.reason}); its verdict is the last one stored`,
      remediation:
        failure === null
          ? ""
          : 'Look at the server log for "snapshot not stored" with this host id, and at kdumpwatch_ingest_failures_total{reason} and the database (disk space, connections).',
    },
  };
}
