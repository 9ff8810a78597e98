import { count, desc, hosts, isNotNull, lt, sql } from "@kdumpwatch/db";
import type { FleetSummary } from "@kdumpwatch/protocol";
import { activeHost } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import { staleCutoff } from "./host-view.ts";

const BUCKETS = 100;

/** Hosts of a group in each verdict but unknown (= the rest, as for the totals). */
function verdictCounts() {
  return {
    ready: count(sql`case when ${hosts.verdict} = 'ready' then 1 end`),
    at_risk: count(sql`case when ${hosts.verdict} = 'at_risk' then 1 end`),
    not_ready: count(sql`case when ${hosts.verdict} = 'not_ready' then 1 end`),
  };
}

type GroupCounts = { value: string | null; hosts: number; ready: number; at_risk: number; not_ready: number };

function withUnknown(b: GroupCounts): FleetSummary["os"][number] {
  return { ...b, unknown: b.hosts - b.ready - b.at_risk - b.not_ready };
}

/**
 * The fleet overview (product.md §1): one pass over `hosts` for the counts, then the failing
 * checks (unnest of the `failing` array) and the OS and kernel distributions, each bucket with its
 * hosts per verdict (the dashboard shows the ready share per OS release and kernel).
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
      .from(hosts)
      .where(activeHost()),
    ctx.db
      .select({ check: failing.as("check"), hosts: count() })
      .from(hosts)
      .where(activeHost())
      .groupBy(sql`1`)
      .orderBy(desc(count()), sql`1`),
    ctx.db
      .select({ value: hosts.os, hosts: count(), ...verdictCounts() })
      .from(hosts)
      .where(activeHost())
      .groupBy(hosts.os)
      .orderBy(desc(count()), hosts.os)
      .limit(BUCKETS),
    ctx.db
      .select({ value: hosts.kernel, hosts: count(), ...verdictCounts() })
      .from(hosts)
      .where(activeHost())
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
    os: os.map(withUnknown),
    kernels: kernels.map(withUnknown),
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
