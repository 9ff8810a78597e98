import { sql } from "@kdumpwatch/db";
import type { ServiceContext } from "./context.ts";

/** One row of the summary's read model (packages/db schema.ts `fleetCounts`). */
export interface FleetCountRow {
  dimension: string;
  value: string;
  verdict: string;
  hosts: number;
}

/** postgres.js answers an array of rows, PGlite `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/** The counts: folded totals plus the deltas not folded yet (a few hundred rows, no scan of hosts). */
export async function readFleetCounts(ctx: ServiceContext): Promise<FleetCountRow[]> {
  const rows = rowsOf<{ dimension: string; value: string; verdict: string; hosts: number | string }>(
    await ctx.db.execute(sql`select dimension, value, verdict, sum(hosts)::bigint as hosts from (
        select dimension, value, verdict, hosts from fleet_counts
        union all select dimension, value, verdict, hosts from fleet_count_deltas) c
      group by 1, 2, 3 having sum(hosts) <> 0`),
  );
  return rows.map((r) => ({ ...r, hosts: Number(r.hosts) }));
}

/**
 * Folds the deltas the `hosts` trigger appended into the totals: one statement, run by the elected
 * process every few seconds (jobs/background.ts). Only this job updates `fleet_counts` in place, so
 * ingest transactions never wait on a counter row.
 */
export async function foldFleetCounts(ctx: ServiceContext): Promise<void> {
  const [moved] = rowsOf<{ n: number | string }>(
    await ctx.db.execute(sql`with moved as (delete from fleet_count_deltas returning dimension, value, verdict, hosts),
      folded as (insert into fleet_counts (dimension, value, verdict, hosts)
        select dimension, value, verdict, sum(hosts) from moved group by 1, 2, 3
        on conflict (dimension, value, verdict) do update set hosts = fleet_counts.hosts + excluded.hosts)
      select count(*) as n from moved`),
  );
  // nothing moved (a quiet fleet: heartbeats change no counted column): no total can have reached
  // zero, so the idle server skips the two statements below (issue 13)
  if (Number(moved?.n ?? 0) === 0) return;
  await ctx.db.execute(sql`delete from fleet_counts where hosts = 0`);
  // Every summary reads the unfolded deltas too: the rows just deleted stay in the table's pages
  // until a vacuum, and each read scanned them (10 ms after a fold of 500,000 deltas at 100,000
  // hosts, until autovacuum came by; PGlite has no autovacuum at all). A vacuum of this small
  // table takes no lock that ingest's inserts wait for, and cannot run inside a transaction.
  await ctx.db.execute(sql`vacuum fleet_count_deltas`);
}
