/**
 * How fast one enrollment token may enroll (docs/security.md "Identity and lifecycle"): a token
 * bucket per token, `KDUMPWATCH_ENROLL_RATE` enrollments per minute, holding as many. Keyed by the
 * token's digest before it is looked up, so guesses at unknown tokens are limited the same way.
 * Per server process: with N processes a token gets at most N times the rate, still bounded.
 */
import type { Clock } from "../clock.ts";

/** Buckets kept at most; the oldest are forgotten first (a full bucket is the same as none). */
const MAX_BUCKETS = 10_000;

export interface EnrollLimiter {
  /** Takes one enrollment for this token digest: 0 when allowed, else ms until one is available. */
  take(tokenDigest: string): number;
}

export function createEnrollLimiter(options: { perMinute: number; clock: Clock }): EnrollLimiter {
  const { perMinute, clock } = options;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return {
    take(tokenDigest) {
      if (perMinute <= 0) return 0;
      const now = clock.now().getTime();
      const bucket = buckets.get(tokenDigest) ?? { tokens: perMinute, at: now };
      bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
      bucket.at = now;
      // re-inserted: the map's order is least recently used first
      buckets.delete(tokenDigest);
      buckets.set(tokenDigest, bucket);
      if (buckets.size > MAX_BUCKETS) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / perMs);
    },
  };
}
