/**
 * The alert list at fleet scale: counts in every state, groups by check and by root cause, and
 * keyset pages, all computed in the database over the same rows GET /api/alerts lists (open alerts,
 * and those resolved within the window), so the page's numbers are the API's numbers at any size.
 */
import {
  alerts,
  and,
  count,
  type Db,
  hosts,
  ilike,
  inArray,
  isNotNull,
  isNull,
  or,
  type SQL,
  sql,
} from "@kdumpwatch/db";
import type {
  AlertFilter,
  AlertGroup,
  AlertOverview,
  AlertPage,
  AlertPageQuery,
  AlertStateFilter,
} from "@kdumpwatch/protocol";
import { toAlertDto } from "../alerting/alert-queries.ts";
import { selectActiveSilences } from "../alerting/silence-store.ts";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import { alertOfActiveHost } from "./active-hosts.ts";
import { causeKey, causeKeySql } from "./root-cause.ts";
import { silencedSql } from "./silence-sql.ts";

export interface AlertListingContext {
  db: Db;
  clock: Clock;
}

/** The state as the API reports it (alert-queries.ts maps an unknown stored state to firing). */
const stateExpr = sql<string>`(case when ${alerts.state} in ('pending', 'clearing', 'resolved') then ${alerts.state} else 'firing' end)`;
const checkExpr = sql<string>`coalesce(${alerts.checkId}, '')`;
const hostnameExpr = sql`coalesce(${alerts.details}->>'hostname', ${alerts.hostId})`;
/**
 * An open check alert is grouped under its host's root causes (a host without kdump-tools has one
 * cause, not four alerts' worth); other alerts, and resolved ones, under their own check.
 */
const causeOf = (failing: SQL) =>
  sql<string>`(case when ${alerts.alertname} = 'KdumpCheckFailing' and ${alerts.resolvedAt} is null then coalesce(nullif(${causeKeySql(failing)}, ''), ${checkExpr}) else ${checkExpr} end)`;
const causeExpr = causeOf(sql`${hosts.failing}`);
const rankExpr = sql<number>`(case ${stateExpr} when 'firing' then 0 when 'clearing' then 1 when 'pending' then 2 else 3 end)`;
const timeExpr = sql`coalesce(${alerts.resolvedAt}, ${alerts.openedAt})`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterWhere(f: AlertFilter, now: Date): SQL {
  const since = new Date(now.getTime() - f.resolvedWithin);
  const parts: (SQL | undefined)[] = [
    or(isNull(alerts.resolvedAt), sql`${alerts.resolvedAt} >= ${since.toISOString()}::timestamptz`),
    alertOfActiveHost(),
  ];
  if (f.check !== undefined) parts.push(sql`${checkExpr} = ${f.check}`);
  if (f.q) parts.push(ilike(sql`${hostnameExpr}`, `%${escapeLike(f.q)}%`));
  return and(...parts) as SQL;
}

function stateWhere(state: AlertStateFilter, silenced: SQL): SQL | undefined {
  switch (state) {
    case "open":
      return isNull(alerts.resolvedAt);
    case "firing":
      return sql`${stateExpr} = 'firing'`;
    case "pending":
      return sql`${stateExpr} in ('pending', 'clearing')`;
    case "silenced":
      return silenced;
    case "resolved":
      return isNotNull(alerts.resolvedAt);
    case "all":
      return undefined;
  }
}

/** Alerts whose root cause is `cause` (a correlated look at the host, so the alerts need no join). */
function causeIs(cause: string): SQL {
  return sql`exists (select 1 from ${hosts} where ${hosts.id} = ${alerts.hostId} and ${causeExpr} = ${cause})`;
}

const n = (expr: SQL) => count(sql`case when ${expr} then 1 end`);

function groupColumns(silenced: SQL) {
  return {
    open: n(sql`${alerts.resolvedAt} is null`),
    firing: n(sql`${stateExpr} = 'firing'`),
    silenced: n(silenced),
    resolved: n(sql`${alerts.resolvedAt} is not null`),
    hosts: sql<number>`count(distinct ${alerts.hostId})`.mapWith(Number),
  };
}

export async function alertOverview(ctx: AlertListingContext, filter: AlertFilter): Promise<AlertOverview> {
  const now = ctx.clock.now();
  const silenced = silencedSql(await selectActiveSilences(ctx.db, now));
  const where = filterWhere(filter, now);
  // the host row is needed only for the root cause: the check groups (and so the counts, their
  // sums) read the alerts alone
  const [byCheck, byCause] = await Promise.all([
    ctx.db
      .select({
        key: checkExpr,
        ...groupColumns(silenced),
        pending: n(sql`${stateExpr} = 'pending'`),
        clearing: n(sql`${stateExpr} = 'clearing'`),
      })
      .from(alerts)
      .where(filter.cause === undefined ? where : and(where, causeIs(filter.cause)))
      .groupBy(sql`1`),
    ctx.db
      .select({ key: causeExpr, ...groupColumns(silenced) })
      .from(alerts)
      .innerJoin(hosts, sql`${hosts.id} = ${alerts.hostId}`)
      .where(where)
      .groupBy(sql`1`),
  ]);
  const counts = { firing: 0, pending: 0, clearing: 0, resolved: 0, silenced: 0 };
  for (const g of byCheck) {
    counts.firing += g.firing;
    counts.pending += g.pending;
    counts.clearing += g.clearing;
    counts.resolved += g.resolved;
    counts.silenced += g.silenced;
  }
  const sorted = (groups: Omit<AlertGroup, "checks">[]): AlertGroup[] =>
    groups
      .map(({ key, open, firing, silenced: s, resolved, hosts: h }) => ({
        key,
        checks: key.split("+"),
        open,
        firing,
        silenced: s,
        resolved,
        hosts: h,
      }))
      .sort(
        (a, b) =>
          b.open - a.open || b.firing - a.firing || b.resolved - a.resolved || (a.key < b.key ? -1 : 1),
      );
  return { counts, byCheck: sorted(byCheck), byCause: sorted(byCause), generatedAt: now.toISOString() };
}

interface Cursor {
  r: number;
  t: string;
  i: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), "utf8").toString("base64url");
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<Cursor>;
    if (
      typeof c.r === "number" &&
      Number.isInteger(c.r) &&
      typeof c.t === "string" &&
      !Number.isNaN(Date.parse(c.t)) &&
      typeof c.i === "number" &&
      Number.isInteger(c.i)
    ) {
      return { r: c.r, t: c.t, i: c.i };
    }
  } catch {
    // fall through
  }
  throw new AppError("bad_request", "invalid cursor");
}

/** Rows after the cursor in the order rank ↑, time ↓, id ↑ (the order of GET /api/alerts). */
function afterCursor(c: Cursor): SQL {
  const t = sql`${c.t}::timestamptz`;
  return sql`(${rankExpr} > ${c.r} or (${rankExpr} = ${c.r} and (${timeExpr} < ${t} or (${timeExpr} = ${t} and ${alerts.id} > ${c.i}))))`;
}

export async function alertPage(ctx: AlertListingContext, query: AlertPageQuery): Promise<AlertPage> {
  const now = ctx.clock.now();
  const active = await selectActiveSilences(ctx.db, now);
  const where = and(
    filterWhere(query, now),
    query.cause === undefined ? undefined : causeIs(query.cause),
    stateWhere(query.state, silencedSql(active)),
  );
  const pageWhere = query.cursor ? and(where, afterCursor(decodeCursor(query.cursor))) : where;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({ alert: alerts, rank: rankExpr })
      .from(alerts)
      .where(pageWhere)
      .orderBy(rankExpr, sql`${timeExpr} desc`, alerts.id)
      .limit(query.limit + 1),
    ctx.db.select({ n: count() }).from(alerts).where(where),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  // the root cause of the page's alerts: their hosts' failing checks, read once per host
  const hostIds = [...new Set(page.map((r) => r.alert.hostId))];
  const failing = new Map<string, string[]>();
  for (let i = 0; i < hostIds.length; i += 500) {
    const found = await ctx.db
      .select({ id: hosts.id, failing: hosts.failing })
      .from(hosts)
      .where(inArray(hosts.id, hostIds.slice(i, i + 500)));
    for (const h of found) failing.set(h.id, h.failing);
  }
  return {
    alerts: page.map((r) => {
      const dto = toAlertDto(r.alert, active, now);
      const open = r.alert.resolvedAt === null && dto.alertname === "KdumpCheckFailing";
      const key = open ? causeKey(failing.get(r.alert.hostId) ?? []) : "";
      return { ...dto, cause: key || dto.check };
    }),
    total: total?.n ?? 0,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({
            r: Number(last.rank),
            t: (last.alert.resolvedAt ?? last.alert.openedAt).toISOString(),
            i: last.alert.id,
          })
        : null,
    generatedAt: now.toISOString(),
  };
}
