/**
 * Change over time from the append-only transitions (product.md §5): which hosts moved between
 * verdicts, when, and why (the checks that started or stopped failing, against the host's previous
 * transition); and which hosts were in a verdict at a given moment (the hosts behind a point of the
 * readiness chart). Keyset paged; nothing is stored for it.
 */
import { and, count, type Db, hosts, ilike, inArray, lte, type SQL, sql, transitions } from "@kdumpwatch/db";
import type { ChangeFeed, ChangeFeedQuery, HostsAt, HostsAtQuery } from "@kdumpwatch/protocol";
import type { Clock } from "../clock.ts";
import { AppError } from "../errors.ts";
import { activeHost, activeHostAs } from "./active-hosts.ts";
import { asVerdict } from "./host-view.ts";

export interface ChangeFeedContext {
  db: Db;
  clock: Clock;
}

const DAY_MS = 86_400_000;
/** best to worst, as the host list ranks verdicts */
const rankOf = (col: SQL) =>
  sql`(case ${col} when 'ready' then 0 when 'at_risk' then 1 when 'not_ready' then 3 else 2 end)`;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function decode<T>(text: string, valid: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (valid(v)) return v;
  } catch {
    // fall through
  }
  throw new AppError("bad_request", "invalid cursor");
}

const isAtId = (v: unknown): v is { at: string; id: number } =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as { at?: unknown }).at === "string" &&
  !Number.isNaN(Date.parse((v as { at: string }).at)) &&
  Number.isInteger((v as { id?: unknown }).id);

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function changeFeed(ctx: ChangeFeedContext, q: ChangeFeedQuery): Promise<ChangeFeed> {
  const now = ctx.clock.now();
  const until = q.until ? new Date(q.until) : now;
  const since = q.since ? new Date(q.since) : new Date(until.getTime() - 7 * DAY_MS);
  if (since.getTime() > until.getTime())
    throw new AppError("bad_request", "invalid request: since: after until");
  const parts: (SQL | undefined)[] = [
    sql`${transitions.at} >= ${since.toISOString()}::timestamptz`,
    lte(transitions.at, until),
    // duplicate records are not hosts of their own (as in the readiness history)
    sql`${hosts.duplicateOf} is null`,
    // a decommissioned host's moves are history, not the fleet's (services/active-hosts.ts)
    activeHost(),
  ];
  if (q.kind === "verdict") {
    parts.push(sql`${transitions.fromVerdict} is distinct from ${transitions.toVerdict}`);
  }
  if (q.to && q.to.length > 0) parts.push(inArray(transitions.toVerdict, q.to));
  if (q.from && q.from.length > 0) parts.push(inArray(transitions.fromVerdict, q.from));
  if (q.q) parts.push(ilike(hosts.hostname, `%${escapeLike(q.q)}%`));
  const where = and(...parts);
  const cursor = q.cursor ? decode(q.cursor, isAtId) : null;
  const pageWhere = cursor
    ? and(where, sql`(${transitions.at}, ${transitions.id}) < (${cursor.at}::timestamptz, ${cursor.id})`)
    : where;
  const toRank = rankOf(sql`${transitions.toVerdict}`);
  const fromRank = rankOf(sql`${transitions.fromVerdict}`);
  const previous = sql<
    string[] | null
  >`(select p.failing from ${transitions} p where p.host_id = ${transitions.hostId} and p.id < ${transitions.id} order by p.id desc limit 1)`;
  const [rows, [totals]] = await Promise.all([
    ctx.db
      .select({
        id: transitions.id,
        hostId: transitions.hostId,
        hostname: hosts.hostname,
        at: transitions.at,
        from: transitions.fromVerdict,
        to: transitions.toVerdict,
        failing: transitions.failing,
        previous,
      })
      .from(transitions)
      .innerJoin(hosts, sql`${hosts.id} = ${transitions.hostId}`)
      .where(pageWhere)
      .orderBy(sql`${transitions.at} desc`, sql`${transitions.id} desc`)
      .limit(q.limit + 1),
    ctx.db
      .select({
        total: count(),
        first: count(sql`case when ${transitions.fromVerdict} is null then 1 end`),
        worse: count(
          sql`case when ${transitions.fromVerdict} is not null and ${toRank} > ${fromRank} then 1 end`,
        ),
        better: count(
          sql`case when ${transitions.fromVerdict} is not null and ${toRank} < ${fromRank} then 1 end`,
        ),
      })
      .from(transitions)
      .innerJoin(hosts, sql`${hosts.id} = ${transitions.hostId}`)
      .where(where),
  ]);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    changes: page.map((r) => {
      const before = new Set(r.previous ?? []);
      const after = new Set(r.failing);
      return {
        id: r.id,
        hostId: r.hostId,
        hostname: r.hostname,
        at: r.at.toISOString(),
        from: r.from === null ? null : asVerdict(r.from),
        to: asVerdict(r.to),
        failing: r.failing,
        added: r.failing.filter((c) => !before.has(c)),
        removed: (r.previous ?? []).filter((c) => !after.has(c)),
      };
    }),
    total: totals?.total ?? 0,
    worse: totals?.worse ?? 0,
    better: totals?.better ?? 0,
    first: totals?.first ?? 0,
    nextCursor: rows.length > q.limit && last ? encode({ at: last.at.toISOString(), id: last.id }) : null,
  };
}

const isNameId = (v: unknown): v is { h: string; id: string } =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as { h?: unknown }).h === "string" &&
  typeof (v as { id?: unknown }).id === "string";

/**
 * The hosts in `verdict` at `at`: each host's latest transition at or before that moment (the same
 * rule the readiness history counts with), by hostname.
 */
export async function hostsAt(ctx: ChangeFeedContext, q: HostsAtQuery): Promise<HostsAt> {
  const at = new Date(q.at);
  if (at.getTime() > ctx.clock.now().getTime() + 60_000) {
    throw new AppError("bad_request", "invalid request: at: in the future");
  }
  const state = sql`(select distinct on (t.host_id) t.host_id, t.to_verdict, t.failing, t.at
      from ${transitions} t where t.at <= ${at.toISOString()}::timestamptz
      order by t.host_id, t.at desc, t.id desc) s`;
  const base = sql`from ${state} join ${hosts} h on h.id = s.host_id
      where h.duplicate_of is null and ${activeHostAs("h")} and s.to_verdict = ${q.verdict}`;
  const cursor = q.cursor ? decode(q.cursor, isNameId) : null;
  const after = cursor ? sql` and (h.hostname, h.id) > (${cursor.h}, ${cursor.id})` : sql``;
  const [rows, totals] = await Promise.all([
    ctx.db.execute(
      sql`select h.id, h.hostname, h.verdict as now, s.failing, s.at ${base}${after} order by h.hostname, h.id limit ${q.limit + 1}`,
    ),
    ctx.db.execute(sql`select count(*)::int as n ${base}`),
  ]);
  const list = rowsOf<{ id: string; hostname: string; now: string; failing: string[]; at: Date | string }>(
    rows,
  );
  const page = list.slice(0, q.limit);
  const last = page.at(-1);
  return {
    at: at.toISOString(),
    verdict: q.verdict,
    total: Number(rowsOf<{ n: number }>(totals)[0]?.n ?? 0),
    hosts: page.map((r) => ({
      id: r.id,
      hostname: r.hostname,
      failing: r.failing,
      since: new Date(r.at).toISOString(),
      now: asVerdict(r.now),
    })),
    nextCursor: list.length > q.limit && last ? encode({ h: last.hostname, id: last.id }) : null,
  };
}

/** postgres.js answers an array of rows, PGlite `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}
