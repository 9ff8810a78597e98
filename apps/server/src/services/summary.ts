import { and, count, desc, hosts, isNotNull, lt, sql } from "@kdumpwatch/db";
import type { FleetSummary } from "@kdumpwatch/protocol";
import { activeHost } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import { type FleetCountRow, readFleetCounts } from "./fleet-counts.ts";
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

const VERDICTS = ["ready", "at_risk", "not_ready"] as const;

/** null first-class: PostgreSQL's `order by count desc, value` puts null last */
function byHostsThenValue(
  a: { hosts: number; value: string | null },
  b: { hosts: number; value: string | null },
) {
  if (a.hosts !== b.hosts) return b.hosts - a.hosts;
  if (a.value === b.value) return 0;
  if (a.value === null) return 1;
  if (b.value === null) return -1;
  return a.value < b.value ? -1 : 1;
}

function groups(rows: readonly FleetCountRow[], dimension: string): FleetSummary["os"] {
  const byValue = new Map<string, GroupCounts>();
  for (const r of rows) {
    if (r.dimension !== dimension) continue;
    const value = r.value === "" ? null : r.value.slice(2);
    const g = byValue.get(r.value) ?? { value, hosts: 0, ready: 0, at_risk: 0, not_ready: 0 };
    g.hosts += r.hosts;
    if ((VERDICTS as readonly string[]).includes(r.verdict))
      g[r.verdict as (typeof VERDICTS)[number]] += r.hosts;
    byValue.set(r.value, g);
  }
  return [...byValue.values()].sort(byHostsThenValue).slice(0, BUCKETS).map(withUnknown);
}

/**
 * The fleet overview (product.md §1) from its read model (fleet-counts.ts: totals kept by a
 * trigger on `hosts`, no scan of the hosts table) plus the stale count, which depends on the
 * moment and is counted on the `stale_clock_at` index (cheap while few hosts are stale). The same
 * figures as `scanFleetSummary`, which computes them from `hosts` directly (kept as the reference
 * the read model is tested against).
 */
export async function fleetSummary(ctx: ServiceContext): Promise<FleetSummary> {
  const now = ctx.clock.now();
  const cutoff = staleCutoff(now, ctx.config.staleAfterSec);
  const [rows, [stale]] = await Promise.all([
    readFleetCounts(ctx),
    ctx.db
      .select({ n: count() })
      .from(hosts)
      .where(and(lt(hosts.staleClockAt, cutoff), activeHost())),
  ]);
  const verdicts = { ready: 0, at_risk: 0, not_ready: 0 };
  let total = 0;
  let duplicates = 0;
  const failing = new Map<string, number>();
  for (const r of rows) {
    if (r.dimension === "all") {
      total += r.hosts;
      if ((VERDICTS as readonly string[]).includes(r.verdict))
        verdicts[r.verdict as (typeof VERDICTS)[number]] += r.hosts;
    } else if (r.dimension === "duplicate" && r.value === "yes") duplicates += r.hosts;
    else if (r.dimension === "failing") failing.set(r.value, (failing.get(r.value) ?? 0) + r.hosts);
  }
  return {
    total,
    verdicts: { ...verdicts, unknown: total - verdicts.ready - verdicts.at_risk - verdicts.not_ready },
    stale: stale?.n ?? 0,
    failingChecks: [...failing]
      .map(([check, n]) => ({ check, hosts: n, value: check }))
      .sort(byHostsThenValue)
      .map(({ check, hosts: n }) => ({ check, hosts: n })),
    os: groups(rows, "os"),
    kernels: groups(rows, "kernel"),
    duplicates,
    generatedAt: now.toISOString(),
  };
}

/**
 * The fleet overview computed from `hosts` itself: one pass for the counts, then the failing
 * checks (unnest of the `failing` array) and the OS and kernel distributions, each bucket with its
 * hosts per verdict. The reference for the read model (summary.test.ts).
 */
export async function scanFleetSummary(ctx: ServiceContext): Promise<FleetSummary> {
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
