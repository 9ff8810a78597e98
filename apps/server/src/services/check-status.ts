import { hostReports, hosts, sql } from "@kdumpwatch/db";
import { activeHost } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";

export interface CheckStatusCount {
  check: string;
  status: string;
  hosts: number;
}

/**
 * Hosts per (check, status) of their latest judgement (`kdumpwatch_host_checks`): one pass over
 * `host_reports`, unnesting each host's checks; hosts counted as in `kdumpwatch_hosts`. Cheap enough per scrape at fleet sizes where scrapes come every 15 s or more
 * (docs/operations.md gives the measured time); callers share one computation through cached().
 */
export async function checkStatusCounts(ctx: ServiceContext): Promise<CheckStatusCount[]> {
  const check = sql<string>`c->>'id'`;
  const status = sql<string>`c->>'status'`;
  const rows = await ctx.db
    .select({ check: check.as("check"), status: status.as("status"), hosts: sql<number>`count(*)::int` })
    .from(
      sql`${hostReports} join ${hosts} on ${hosts.id} = ${hostReports.hostId} cross join lateral jsonb_array_elements(${hostReports.checks}) as c`,
    )
    .where(activeHost())
    .groupBy(sql`1, 2`)
    .orderBy(sql`1, 2`);
  return rows.map((r) => ({ check: r.check, status: r.status, hosts: Number(r.hosts) }));
}

/** Shares one computation among callers within `maxAgeMs` (scrapes by several Prometheus servers). */
export function cached<T>(compute: () => Promise<T>, maxAgeMs: number): () => Promise<T> {
  let at = 0;
  let pending: Promise<T> | null = null;
  return () => {
    const nowMs = Date.now();
    if (pending && nowMs - at < maxAgeMs) return pending;
    at = nowMs;
    const p = compute();
    pending = p;
    p.catch(() => {
      if (pending === p) pending = null;
    });
    return p;
  };
}
