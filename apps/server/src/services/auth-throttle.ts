import type { Clock } from "../clock.ts";

export interface AuthThrottleLimits {
  /** failures from one client address within the window */
  perClient: number;
  /** failures against one account (the admin) within the window, from all addresses together */
  perAccount: number;
  windowSec: number;
}

interface Bucket {
  failures: number;
  /** when the window that the failures count in ends (ms) */
  resetAt: number;
}

/** Keys kept at most; the oldest are dropped first (a spray of addresses must not grow memory without bound). */
const MAX_KEYS = 50_000;

/**
 * Failed logins and bearer attempts, counted per client address and per account in a fixed
 * window (docs/security.md). Once either count reaches its limit, every further attempt of that
 * client, or against that account, is refused unchecked until the window ends: a guesser gets
 * `perClient` tries per window from one address and `perAccount` from all of them together. A
 * success clears its client's count. In memory, per server process: several processes behind one
 * address each allow their own budget (the admin secret's length does the rest).
 */
export class AuthThrottle {
  /** per client address, bounded (MAX_KEYS) */
  private readonly clients = new Map<string, Bucket>();
  /** per account: a closed, small set ("admin"), never evicted by a spray of addresses */
  private readonly accounts = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: AuthThrottleLimits,
  ) {}

  /** Seconds until an attempt of `client` against `account` is allowed again; 0 = allowed now. */
  retryAfter(client: string, account: string): number {
    const now = this.clock.now().getTime();
    const waits = [
      wait(this.clients.get(client), this.limits.perClient, now),
      wait(this.accounts.get(account), this.limits.perAccount, now),
    ];
    return Math.max(...waits);
  }

  /** Counts a failure; returns the seconds the client must now wait (0 while it has tries left). */
  fail(client: string, account: string): number {
    const now = this.clock.now().getTime();
    this.count(this.clients, client, now);
    this.count(this.accounts, account, now);
    return this.retryAfter(client, account);
  }

  succeed(client: string): void {
    this.clients.delete(client);
  }

  private count(buckets: Map<string, Bucket>, key: string, now: number): void {
    const bucket = buckets.get(key);
    if (bucket && bucket.resetAt > now) {
      bucket.failures++;
      return;
    }
    buckets.delete(key);
    if (buckets.size >= MAX_KEYS) evictOldest(buckets);
    buckets.set(key, { failures: 1, resetAt: now + this.limits.windowSec * 1000 });
  }
}

function wait(bucket: Bucket | undefined, limit: number, now: number): number {
  if (!bucket || bucket.resetAt <= now || bucket.failures < limit) return 0;
  return Math.max(1, Math.ceil((bucket.resetAt - now) / 1000));
}

/** Drops the oldest window: buckets are re-inserted when their window starts, so the first ends first. */
function evictOldest(buckets: Map<string, Bucket>): void {
  const oldest = buckets.keys().next();
  if (!oldest.done) buckets.delete(oldest.value);
}
