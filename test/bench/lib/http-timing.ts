/** Latency of one API request, repeated: p50/p95/p99 as the client sees them (sequential requests). */
import { percentile } from "../../sim/run-stats.ts";

export interface Latency {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  bytes: number;
}

const round = (n: number | null) => (n === null ? Number.NaN : Number(n.toFixed(1)));

/**
 * Issues `requests` GETs one after the other (after `warmup` unmeasured ones) and times each until
 * its body is fully read. `path` may be a function of the iteration (a different host each time).
 */
export async function measureGet(
  baseUrl: string,
  token: string,
  path: string | ((i: number) => string),
  options: { requests: number; warmup: number },
): Promise<Latency> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < options.warmup + options.requests; i++) {
    const p = typeof path === "string" ? path : path(i);
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}${p}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${Buffer.from(body).toString().slice(0, 300)}`);
    if (i >= options.warmup) {
      times.push(ms);
      bytes = body.byteLength;
    }
  }
  const sorted = Float64Array.from(times).sort();
  return {
    requests: times.length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? null),
    meanMs: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
    bytes,
  };
}
