/**
 * Readiness over time, as uPlot columns: x in Unix seconds, then the tops of four stacked bands,
 * bottom to top ready, at risk, unknown and not ready, in hosts (so the top band ends at the fleet's
 * size, and hosts enrolled later show as growth). Counts change only on a verdict transition, so the
 * series is a step function.
 *
 * The points are the server's history (`GET /api/fleet/history`, built from the transitions), then
 * the live summaries this page has seen since, then the current summary at "now". The history
 * counts judged, non-duplicate hosts; a summary counts every host record, so a fleet with duplicate
 * or never-judged hosts steps by those few where the live part begins.
 */
import type { Verdict } from "@kdumpwatch/core";
import type { FleetSummary } from "./schemas.ts";

export interface CountsAt {
  at: string;
  ready: number;
  at_risk: number;
  not_ready: number;
  unknown: number;
}
type Counts = Omit<CountsAt, "at">;

/** Bottom to top: the band people read first (ready) sits on the axis. */
export const STACK_ORDER = ["ready", "at_risk", "unknown", "not_ready"] as const satisfies readonly Verdict[];

export type ReadinessColumns = [
  xs: number[],
  ready: number[],
  atRisk: number[],
  unknown: number[],
  notReady: number[],
];

const total = (c: Counts) => c.ready + c.at_risk + c.not_ready + c.unknown;

function seconds(at: string): number {
  return Math.floor(Date.parse(at) / 1000);
}

/** Points with a readable time, oldest first (a stable sort keeps the order of equal times). */
function timed(points: readonly CountsAt[]): (CountsAt & { t: number })[] {
  return points
    .map((p) => ({ ...p, t: seconds(p.at) }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
}

export function readinessColumns(options: {
  /** the server's history, oldest first */
  history: readonly CountsAt[];
  /** summaries seen live; only those after the history's last point are drawn */
  live: readonly CountsAt[];
  /** the current summary's counts, drawn at `now` */
  current: Counts;
  /** ms */
  now: number;
}): ReadinessColumns {
  const past = timed(options.history);
  const lastPast = past.at(-1)?.t ?? Number.NEGATIVE_INFINITY;
  const points = [...past, ...timed(options.live).filter((p) => p.t > lastPast)];
  const cols: ReadinessColumns = [[], [], [], [], []];
  const push = (t: number, c: Counts) => {
    // several points in the same second: the last one stands
    if (cols[0].at(-1) === t) for (const col of cols) col.pop();
    cols[0].push(t);
    let top = 0;
    for (const [i, v] of STACK_ORDER.entries()) {
      top += c[v];
      (cols[i + 1] as number[]).push(top);
    }
  };
  for (const p of points) push(p.t, p);
  const nowSec = Math.floor(options.now / 1000);
  if ((cols[0].at(-1) ?? Number.NEGATIVE_INFINITY) < nowSec) push(nowSec, options.current);
  return cols;
}

/** Host-count ticks: whole hosts only. */
export const COUNT_INCREMENTS = [1, 2, 5]
  .flatMap((m) => [1, 10, 100, 1_000, 10_000, 100_000].map((e) => m * e))
  .sort((a, b) => a - b);

/** `12`, `1,200`, `12k`, `1.2M`: short enough for the axis. */
export function countTick(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10}M`;
  if (n >= 10_000) return `${Math.round(n / 1_000)}k`;
  return n.toLocaleString("en-US");
}

/**
 * When the fleet is younger than the history asked for (a week by default), most points are empty.
 * This is the `since` of a closer look: the last empty point before the first host, when the part
 * with hosts is under a quarter of the span; null when the history is fine as it is.
 */
export function closerSince(points: readonly CountsAt[]): string | null {
  const first = points.findIndex((p) => total(p) > 0);
  if (first < 1) return null;
  const start = Date.parse(points[0]?.at ?? "");
  const end = Date.parse(points.at(-1)?.at ?? "");
  const from = points[first - 1]?.at ?? "";
  const begin = Date.parse(from);
  if (!(end > begin && begin >= start)) return null;
  return (end - begin) * 4 < end - start ? from : null;
}

/** `#16a34a` + 0.18 → `rgba(22, 163, 74, 0.18)`; canvas fill styles cannot use color-mix(). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m?.[1]) return hex;
  const n = Number.parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Most points kept: a wall screen left open for days must not grow without bound. */
export const MAX_SAMPLES = 2_000;

/**
 * Appends the counts of a summary. An unchanged count is not a new step, so it is not stored;
 * the oldest points go first when the cap is reached.
 */
export function sampleSummary(samples: readonly CountsAt[], summary: FleetSummary): CountsAt[] {
  const v = summary.verdicts;
  const next: CountsAt = {
    at: summary.generatedAt,
    ready: v.ready,
    at_risk: v.at_risk,
    not_ready: v.not_ready,
    unknown: v.unknown,
  };
  const last = samples[samples.length - 1];
  if (
    last &&
    last.ready === next.ready &&
    last.at_risk === next.at_risk &&
    last.not_ready === next.not_ready &&
    last.unknown === next.unknown
  ) {
    return samples as CountsAt[];
  }
  const kept = samples.length >= MAX_SAMPLES ? samples.slice(samples.length - MAX_SAMPLES + 1) : samples;
  return [...kept, next];
}

/**
 * An x-axis label in local time, as precise as the visible span needs: seconds for a few minutes,
 * minutes within two days, the date beyond (uPlot's defaults show milliseconds on short spans).
 */
export function timeTick(seconds: number, spanSeconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  if (spanSeconds < 600) return `${hm}:${p(d.getSeconds())}`;
  if (spanSeconds < 2 * 86_400) return hm;
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${hm}`;
}
