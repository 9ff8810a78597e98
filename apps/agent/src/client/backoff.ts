/**
 * Reconnect delays: capped exponential backoff with FULL jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): delay = random(0, min(cap, base · 2^(attempt-1))). Full jitter, not "equal"
 * jitter, because after a server restart 10,000 agents lose their socket in the same millisecond and
 * must come back spread over the whole window, not bunched at its middle (product.md §5, §8).
 */
export interface BackoffPolicy {
  /** window of the first retry: it happens within [0, baseMs) */
  baseMs: number;
  /** largest window, reached after a few failures */
  capMs: number;
  /** "come back much later": refused credential with no enrollment token, protocol errors */
  slowMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_500, capMs: 240_000, slowMs: 600_000 };

/** Why the last connection ended, as far as the delay is concerned. */
export type ReconnectReason =
  /** network failure, server restart (1001), ordinary close */
  | "normal"
  /** the server asked us to slow down without a hint (1013, 4429, HTTP 429/503) */
  | "overloaded"
  /** retrying soon would be pointless: refused credential, protocol error, oversize frame */
  | "slow";

export interface DelayInput {
  /** 1 for the first retry after a failure, growing until a session is welcomed */
  attempt: number;
  reason: ReconnectReason;
  /** the server's `retry.afterMs` or HTTP Retry-After, if it sent one */
  hintMs?: number;
  /** uniform in [0, 1): Math.random in production, a seeded generator in tests */
  random: () => number;
  policy: BackoffPolicy;
}

/** Upper bound of the jitter window for an attempt: base · 2^(attempt-1), capped. */
export function backoffWindow(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** Largest retry hint we honour (a misbehaving server must not park its fleet for a day). */
const MAX_HINT_MS = 3_600_000;
/** "overloaded" starts at the window of this attempt (~24 s with the default base) */
const OVERLOADED_MIN_ATTEMPT = 5;

/**
 * Milliseconds to wait before the next connection attempt. A server hint is a floor, never the
 * exact time: the jitter window is added on top so agents given the same hint do not return
 * together. With a hint the server is scheduling its fleet (admission control hands each deferred
 * agent its own slot), so the window no longer grows with the attempts: it is at most a quarter of
 * the hint (at least the base window), and an agent deferred five times does not wander off into
 * a minutes-long window while the server drains at full speed.
 */
export function reconnectDelay(input: DelayInput): number {
  const { policy, random } = input;
  if (input.reason === "slow") {
    // uniform in [slow/2, 3·slow/2): "about every slowMs", spread over the fleet
    return Math.floor(policy.slowMs * (0.5 + random()));
  }
  const attempt =
    input.reason === "overloaded" ? Math.max(input.attempt, OVERLOADED_MIN_ATTEMPT) : input.attempt;
  const hint = input.hintMs === undefined ? 0 : Math.min(Math.max(input.hintMs, 0), MAX_HINT_MS);
  const window =
    input.hintMs === undefined
      ? backoffWindow(attempt, policy)
      : Math.min(backoffWindow(attempt, policy), Math.max(policy.baseMs, hint / 4));
  return hint + Math.floor(random() * window);
}
