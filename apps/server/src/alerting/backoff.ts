/**
 * Two schedules that back off: reminders of an alert that stays firing (4 h, 8 h, 16 h, then every
 * 24 h by default), and delivery retries of a notification a receiver did not accept (1 s doubling to
 * 5 min, with full jitter so many rows do not retry in lockstep).
 */
export interface ReminderPolicy {
  /** first reminder this long after the firing notification */
  reminderBaseMs: number;
  /** reminders never further apart than this */
  reminderCapMs: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  reminderBaseMs: 4 * 3600_000,
  reminderCapMs: 24 * 3600_000,
};

/** Delay before reminder number `sent + 1`, given `sent` reminders already went out. */
export function nextReminderDelayMs(sent: number, policy: ReminderPolicy): number {
  // 2^sent overflows nothing for sane counts, but cap the exponent anyway
  const factor = 2 ** Math.min(sent, 30);
  return Math.min(policy.reminderBaseMs * factor, policy.reminderCapMs);
}

export interface RetryPolicy {
  retryBaseMs: number;
  retryCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retryBaseMs: 1000, retryCapMs: 5 * 60_000 };

/**
 * Delay before delivery attempt `attempts + 1` after `attempts` failures: full jitter over an
 * exponentially growing, capped window (AWS "Exponential Backoff And Jitter"). `random` in [0, 1).
 * Never below a quarter of the window, so a receiver that just failed is not hammered.
 */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: number): number {
  const window = Math.min(
    policy.retryBaseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30),
    policy.retryCapMs,
  );
  return Math.round(window / 4 + (window * 3 * random) / 4);
}
