import type { Verdict } from "@kdumpwatch/core";
import { and, count, hosts, lte, sql, transitions } from "@kdumpwatch/db";
import {
  FLEET_HISTORY_DEFAULT_DAYS,
  FLEET_HISTORY_DEFAULT_POINTS,
  FLEET_HISTORY_MAX_DAYS,
  FLEET_HISTORY_MAX_POINTS,
  FLEET_HISTORY_MIN_STEP,
  type FleetHistory,
  type FleetHistoryPoint,
  type FleetHistoryQuery,
} from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import { activeHost } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import { asVerdict } from "./host-view.ts";

const DAY_MS = 86_400_000;

/** Where the points of a history fall: `since + k·step` for k < `regular`, then `now`. */
export interface HistoryPlan {
  since: Date;
  now: Date;
  /** seconds */
  step: number;
  /** points strictly before now; the history has `regular + 1` points */
  regular: number;
}

/** The points of a history request; bad_request when it reaches too far back or asks for too many. */
export function planHistory(now: Date, query: FleetHistoryQuery): HistoryPlan {
  const since = query.since
    ? new Date(query.since)
    : new Date(now.getTime() - FLEET_HISTORY_DEFAULT_DAYS * DAY_MS);
  const spanMs = now.getTime() - since.getTime();
  if (spanMs <= 0) throw new AppError("bad_request", "invalid request: since: must be before now");
  if (spanMs > FLEET_HISTORY_MAX_DAYS * DAY_MS) {
    throw new AppError("bad_request", `invalid request: since: at most ${FLEET_HISTORY_MAX_DAYS} days ago`);
  }
  const step =
    query.step ??
    Math.max(FLEET_HISTORY_MIN_STEP, Math.ceil(spanMs / 1000 / (FLEET_HISTORY_DEFAULT_POINTS - 1)));
  const regular = Math.ceil(spanMs / (step * 1000));
  if (regular + 1 > FLEET_HISTORY_MAX_POINTS) {
    throw new AppError(
      "bad_request",
      `invalid request: step: too small for this span (at most ${FLEET_HISTORY_MAX_POINTS} points)`,
    );
  }
  return { since, now, step, regular };
}

type Counts = Record<Verdict, number>;
const zero = (): Counts => ({ ready: 0, at_risk: 0, not_ready: 0, unknown: 0 });

/**
 * Non-duplicate hosts per verdict at each point of the plan, from the append-only transitions
 * (product.md §5). The transitions of a host form a chain: each row's `from_verdict` is the previous
 * row's `to_verdict`, null on the first (ingest writes them under the host's row lock). So a row moves
 * one host from `from` to `to`, and the counts at a point are the sum of those moves up to it: a host
 * counts from its first judgement on, and any number of changes between two points add up to the
 * last one. One scan, no per-host sort: each row is put in the bucket of the first point at or after
 * it (`width_bucket` over the points), the buckets are grouped by (bucket, to, from) in SQL and summed
 * up here.
 */
export async function fleetHistory(ctx: ServiceContext, query: FleetHistoryQuery): Promise<FleetHistory> {
  const plan = planHistory(ctx.clock.now(), query);
  const { since, now, step, regular } = plan;
  // `point + 1 µs` as thresholds: width_bucket counts the thresholds <= at, i.e. the points < at,
  // which is the index of the first point at or after the transition (regular = the point at now)
  const thresholds = sql`array(select ${since.toISOString()}::timestamptz + (k * ${step}::int) * interval '1 second' + interval '1 microsecond' from generate_series(0, ${regular - 1}::int) as k)`;
  const bucket = sql<number>`width_bucket(${transitions.at}, ${thresholds})`.mapWith(Number);
  const rows = await ctx.db
    .select({ bucket, to: transitions.toVerdict, from: transitions.fromVerdict, n: count() })
    .from(transitions)
    .where(
      and(
        lte(transitions.at, now),
        // duplicates are not hosts of their own; decommissioned hosts leave the history (active-hosts.ts)
        sql`not exists (select 1 from ${hosts} where ${hosts.id} = ${transitions.hostId} and (${hosts.duplicateOf} is not null or not ${activeHost()}))`,
      ),
    )
    .groupBy(sql`1`, transitions.toVerdict, transitions.fromVerdict);

  const moves = Array.from({ length: regular + 1 }, zero);
  for (const r of rows) {
    const m = moves[Math.min(Math.max(r.bucket, 0), regular)] as Counts;
    m[asVerdict(r.to)] += r.n;
    if (r.from !== null) m[asVerdict(r.from)] -= r.n;
  }
  const points: FleetHistoryPoint[] = [];
  const running = zero();
  let broken = false;
  for (const [i, m] of moves.entries()) {
    for (const v of Object.keys(running) as Verdict[]) running[v] += m[v];
    const at = i < regular ? new Date(since.getTime() + i * step * 1000) : now;
    const point = { at: at.toISOString(), ...running };
    for (const v of Object.keys(running) as Verdict[]) {
      if (point[v] < 0) {
        broken = true;
        point[v] = 0;
      }
    }
    points.push(point);
  }
  if (broken) ctx.log.warn("fleet history: transitions do not chain (from_verdict), counts clamped at 0");
  return { points };
}
