/**
 * Stale alerts follow the hosts' stale clocks (which the server moves past its own outages,
 * services/liveness.ts): hosts whose clock ran out get a KdumpHostStale observation, stale alerts
 * of hosts that reported again (a heartbeat does not go through ingest) a clearing one.
 */
import { alerts, and, type Db, eq, gte, hosts, inArray, isNull, lt, sql, type Tx } from "@kdumpwatch/db";
import { activeHost } from "../services/active-hosts.ts";
import type { AlertRow } from "./alert-store.ts";
import { type Observation, staleObservation } from "./conditions.ts";
import { syncHostCondition } from "./host-condition-sync.ts";

export interface StaleSyncOptions {
  /** KDUMPWATCH_STALE_AFTER in ms */
  staleAfterMs: number;
  batch: number;
  /** the engine's step for one alert, inside the transaction */
  apply(tx: Tx, obs: Observation, row: AlertRow | null): Promise<void>;
  /**
   * The previous tick's cutoff: only hosts whose stale clock ran out since then are looked at (an
   * index range of the hosts that crossed the threshold, not every stale host again); null = all
   * stale hosts (AlertEngine.tick decides, and scans everything now and then)
   */
  crossedSince?: Date | null;
}

export interface StaleSync {
  /** hosts and alerts looked at */
  seen: number;
  /** every stale host without a holding alert was read (the select did not stop at its limit) */
  complete: boolean;
}

export async function syncStaleAlerts(db: Db, now: Date, o: StaleSyncOptions): Promise<StaleSync> {
  const cutoff = new Date(now.getTime() - o.staleAfterMs);
  const limit = o.batch * 5;
  const since = o.crossedSince ?? null;
  // stale hosts without a stale alert that holds (none, or one that is clearing)
  const staleHosts = await db
    .select({
      id: hosts.id,
      hostname: hosts.hostname,
      staleClockAt: hosts.staleClockAt,
      labels: hosts.labels,
    })
    .from(hosts)
    .where(
      and(
        lt(hosts.staleClockAt, cutoff),
        since === null ? undefined : gte(hosts.staleClockAt, since),
        activeHost(),
        sql`not exists (select 1 from ${alerts} a where a.host_id = ${hosts.id}
              and a.alertname = 'KdumpHostStale' and a.resolved_at is null and a.state <> 'clearing')`,
      ),
    )
    .limit(limit);
  const complete = staleHosts.length < limit;
  // stale alerts whose host reported again
  const back = await db
    .select({ id: alerts.id })
    .from(alerts)
    .innerJoin(hosts, eq(hosts.id, alerts.hostId))
    .where(
      and(
        eq(alerts.alertname, "KdumpHostStale"),
        isNull(alerts.resolvedAt),
        inArray(alerts.state, ["pending", "firing"]),
        sql`${hosts.staleClockAt} >= ${cutoff.toISOString()}::timestamptz`,
      ),
    )
    .limit(o.batch * 5);
  if (staleHosts.length === 0 && back.length === 0) return { seen: 0, complete };
  await syncHostCondition(db, {
    raise: staleHosts.map((h) => {
      const obs = staleObservation(h.id, h.hostname, true, (now.getTime() - h.staleClockAt.getTime()) / 1000);
      obs.description.hostLabels = h.labels ?? {};
      return obs;
    }),
    clearIds: back.map((b) => b.id),
    cleared: (row, d) => staleObservation(row.hostId, d.hostname, false, 0),
    apply: o.apply,
  });
  return { seen: staleHosts.length + back.length, complete };
}
