/**
 * Readiness over time, as uPlot columns: x in Unix seconds, then the ready share and the not-ready
 * share in percent. Each point is the fleet's counts from one summary (a step function: counts
 * change only on a verdict transition); the current summary closes the series at "now".
 *
 * The server has no fleet-history endpoint yet (see the dashboard README), so the points are the
 * summaries this page has seen: the first fetch, then every live `summary` event.
 */
import type { FleetSummary } from "./schemas.ts";
export interface CountsAt {
  at: string;
  ready: number;
  at_risk: number;
  not_ready: number;
  unknown: number;
}

export type ReadinessColumns = [xs: number[], readyPct: (number | null)[], notReadyPct: (number | null)[]];

function pct(part: number, total: number): number | null {
  return total > 0 ? Math.round((part / total) * 1000) / 10 : null;
}

export function readinessColumns(
  history: readonly CountsAt[],
  current: Omit<CountsAt, "at">,
  now: number,
): ReadinessColumns {
  const points = history
    .map((p) => ({ ...p, t: Math.floor(Date.parse(p.at) / 1000) }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  const xs: number[] = [];
  const ready: (number | null)[] = [];
  const notReady: (number | null)[] = [];
  const push = (t: number, c: Omit<CountsAt, "at">) => {
    const total = c.ready + c.at_risk + c.not_ready + c.unknown;
    // several transitions in the same second: the last one stands
    if (xs.length > 0 && xs[xs.length - 1] === t) {
      xs.pop();
      ready.pop();
      notReady.pop();
    }
    xs.push(t);
    ready.push(pct(c.ready, total));
    notReady.push(pct(c.not_ready, total));
  };
  for (const p of points) push(p.t, p);
  const nowSec = Math.floor(now / 1000);
  if (xs.length === 0 || (xs[xs.length - 1] ?? 0) < nowSec) push(nowSec, current);
  return [xs, ready, notReady];
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
