/**
 * Retention (docs/operations.md "Retention"): snapshots received longer ago than
 * `KDUMPWATCH_RETENTION` (default 30 days) are deleted, except the latest snapshot of each active
 * host (its page shows that evidence however old it is); hosts decommissioned longer ago are
 * deleted with everything they own (snapshots, transitions, reports, alerts: ON DELETE CASCADE).
 * Run by the leader (jobs/background.ts) in batches, each its own short statement, so ingest is
 * never blocked for long. Transitions of active hosts are kept: they are small (one row per verdict
 * change) and the readiness history counts from each host's first judgement.
 */
import { and, hosts, inArray, isNotNull, lt, sql } from "@kdumpwatch/db";
import type { ServiceContext } from "./context.ts";

export interface RetentionResult {
  snapshots: number;
  hosts: number;
}

export interface RetentionOptions {
  /** snapshots per DELETE (default 5000) */
  batch?: number;
  /** decommissioned hosts per DELETE (default 100) */
  hostBatch?: number;
}

export async function runRetention(
  ctx: ServiceContext,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const result: RetentionResult = { snapshots: 0, hosts: 0 };
  const keepMs = ctx.config.retentionMs;
  if (keepMs === null) return result;
  const cutoff = new Date(ctx.clock.now().getTime() - keepMs);
  const batch = options.batch ?? 5000;
  const hostBatch = options.hostBatch ?? 100;
  for (;;) {
    const gone = await ctx.db
      .select({ id: hosts.id })
      .from(hosts)
      .where(and(isNotNull(hosts.decommissionedAt), lt(hosts.decommissionedAt, cutoff)))
      .limit(hostBatch);
    if (gone.length === 0) break;
    await ctx.db.delete(hosts).where(
      inArray(
        hosts.id,
        gone.map((h) => h.id),
      ),
    );
    result.hosts += gone.length;
    if (gone.length < hostBatch) break;
  }
  for (;;) {
    const deleted = await ctx.db.execute(sql`
      delete from snapshots where id in (
        select s.id from snapshots s
        where s.received_at < ${cutoff.toISOString()}::timestamptz
          and not exists (select 1 from hosts h where h.id = s.host_id and h.latest_snapshot_id = s.id
                          and h.decommissioned_at is null)
        order by s.received_at
        limit ${batch})
      returning id`);
    const n = rowCount(deleted);
    result.snapshots += n;
    if (n < batch) break;
  }
  if (result.snapshots > 0 || result.hosts > 0) {
    ctx.log.info({ ...result, before: cutoff.toISOString() }, "retention: old snapshots and hosts deleted");
  }
  return result;
}

/** postgres.js answers an array of rows, PGlite `{ rows }`. */
function rowCount(result: unknown): number {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])).length;
}
