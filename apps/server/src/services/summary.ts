import { count, desc, hosts, isNotNull, lt, sql } from "@kdumpwatch/db";
import type { FleetSummary } from "@kdumpwatch/protocol";
import type { ServiceContext } from "./context.ts";
import { staleCutoff } from "./host-view.ts";

const BUCKETS = 100;

/**
 * The fleet overview (product.md §1): one pass over `hosts` for the counts, then the failing
 * checks (unnest of the `failing` array) and the OS and kernel distributions.
 */
export async function fleetSummary(ctx: ServiceContext): Promise<FleetSummary> {
  const now = ctx.clock.now();
  const cutoff = staleCutoff(now, ctx.config.staleAfterSec);
  const failing = sql<string>`unnest(${hosts.failing})`;
  // four independent scans, run side by side (postgres.js has a pool; PGlite queues them)
  const [[totals], checks, os, kernels] = await Promise.all([
    ctx.db
      .select({
        total: count(),
        ready: count(sql`case when ${hosts.verdict} = 'ready' then 1 end`),
        atRisk: count(sql`case when ${hosts.verdict} = 'at_risk' then 1 end`),
        notReady: count(sql`case when ${hosts.verdict} = 'not_ready' then 1 end`),
        stale: count(sql`case when ${lt(hosts.staleClockAt, cutoff)} then 1 end`),
        duplicates: count(sql`case when ${isNotNull(hosts.duplicateOf)} then 1 end`),
      })
      .from(hosts),
    ctx.db
      .select({ check: failing.as("check"), hosts: count() })
      .from(hosts)
      .groupBy(sql`1`)
      .orderBy(desc(count()), sql`1`),
    ctx.db
      .select({ value: hosts.os, hosts: count() })
      .from(hosts)
      .groupBy(hosts.os)
      .orderBy(desc(count()), hosts.os)
      .limit(BUCKETS),
    ctx.db
      .select({ value: hosts.kernel, hosts: count() })
      .from(hosts)
      .groupBy(hosts.kernel)
      .orderBy(desc(count()), hosts.kernel)
      .limit(BUCKETS),
  ]);
  const t = totals ?? { total: 0, ready: 0, atRisk: 0, notReady: 0, stale: 0, duplicates: 0 };
  return {
    total: t.total,
    verdicts: {
      ready: t.ready,
      at_risk: t.atRisk,
      not_ready: t.notReady,
      unknown: t.total - t.ready - t.atRisk - t.notReady,
    },
    stale: t.stale,
    failingChecks: checks.map((c) => ({ check: c.check, hosts: c.hosts })),
    os,
    kernels,
    duplicates: t.duplicates,
    generatedAt: now.toISOString(),
  };
}

/** Shares one computation among callers within `maxAgeMs` (SSE fan-out, metrics scrapes). */
export function cachedSummary(ctx: ServiceContext, maxAgeMs: number): () => Promise<FleetSummary> {
  let at = 0;
  let pending: Promise<FleetSummary> | null = null;
  return () => {
    const nowMs = Date.now();
    if (pending && nowMs - at < maxAgeMs) return pending;
    at = nowMs;
    pending = fleetSummary(ctx);
    pending.catch(() => {
      pending = null;
    });
    return pending;
  };
}
