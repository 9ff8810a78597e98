/**
 * How fast one enrollment token may enroll (docs/security.md "Identity and lifecycle"): a token
 * bucket per token, `KDUMPWATCH_ENROLL_RATE` enrollments per minute, holding as many. Keyed by the
 * token's digest before it is looked up, so guesses at unknown tokens are limited the same way.
 * Per server process: with N processes a token gets at most N times the rate, still bounded.
 *
 * A refused enrollment is told when to come back, and a crowd is told different times: each one
 * turned away gets the next slot after those already given one (one refill interval apart), so
 * 9,000 agents refused in the same second come back spread over the time the bucket needs to take
 * them, instead of all at the next refill. Without the slots they retried every second or two, each
 * retry a handshake and two log lines for nothing (a 10,000-agent storm at the default rate: about
 * 7,000 refusals a second and 140 MB of log in 80 s, for 10 enrollments a second). A slot is a
 * hint, not a reservation: whoever finds a token when they ask gets it.
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
  /** `promised`: the last slot handed to a refused enrollment (ms since the epoch) */
  const buckets = new Map<string, { tokens: number; at: number; promised: number }>();
  const perMs = perMinute / 60_000;
  return {
    take(tokenDigest) {
      if (perMinute <= 0) return 0;
      const now = clock.now().getTime();
      const bucket = buckets.get(tokenDigest) ?? { tokens: perMinute, at: now, promised: 0 };
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
      const nextToken = now + Math.ceil((1 - bucket.tokens) / perMs);
      bucket.promised = Math.max(nextToken, bucket.promised + Math.ceil(1 / perMs));
      return bucket.promised - now;
    },
  };
}
