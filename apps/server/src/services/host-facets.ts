/**
 * What a filtered host list holds, for "N match · page k of m" and a "failing most" that follows
 * the filter: the count, the verdicts, the failing checks and the root causes of the matching hosts
 * (one pass each over the rows the host list would page through).
 */
import { count, type Db, desc, hosts, type SQL, sql } from "@kdumpwatch/db";
import type { HostFacets, HostFilter } from "@kdumpwatch/protocol";
import type { Clock } from "../clock.ts";
import { filterWhere } from "./host-query.ts";
import { staleCutoff } from "./host-view.ts";
import { rootCausesSql } from "./root-cause.ts";

export interface HostFacetsContext {
  db: Db;
  clock: Clock;
  staleAfterSec: number;
}

export async function hostFacets(ctx: HostFacetsContext, filter: HostFilter): Promise<HostFacets> {
  const now = ctx.clock.now();
  const where = filterWhere(filter, staleCutoff(now, ctx.staleAfterSec), now);
  const unnested = (arr: SQL) => sql<string>`unnest(${arr})`;
  const [[totals], checks, roots] = await Promise.all([
    ctx.db
      .select({
        total: count(),
        ready: count(sql`case when ${hosts.verdict} = 'ready' then 1 end`),
        atRisk: count(sql`case when ${hosts.verdict} = 'at_risk' then 1 end`),
        notReady: count(sql`case when ${hosts.verdict} = 'not_ready' then 1 end`),
      })
      .from(hosts)
      .where(where),
    ctx.db
      .select({ check: unnested(sql`${hosts.failing}`).as("check"), hosts: count() })
      .from(hosts)
      .where(where)
      .groupBy(sql`1`)
      .orderBy(desc(count()), sql`1`),
    ctx.db
      .select({ check: unnested(rootCausesSql(sql`${hosts.failing}`)).as("check"), hosts: count() })
      .from(hosts)
      .where(where)
      .groupBy(sql`1`)
      .orderBy(desc(count()), sql`1`),
  ]);
  const t = totals ?? { total: 0, ready: 0, atRisk: 0, notReady: 0 };
  return {
    total: t.total,
    verdicts: {
      ready: t.ready,
      at_risk: t.atRisk,
      not_ready: t.notReady,
      unknown: t.total - t.ready - t.atRisk - t.notReady,
    },
    failingChecks: checks,
    rootCauses: roots,
  };
}
