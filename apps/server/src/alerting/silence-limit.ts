import { AppError } from "../errors.ts";

/** KDUMPWATCH_MAX_SILENCE_DAYS' default: a forgotten silence must not hide a host for good. */
export const DEFAULT_MAX_SILENCE_MS = 30 * 86_400_000;

/**
 * Refuses a silence that would end later than `maxMs` from now (400), whichever way it was asked
 * for (`duration` or `expiresAt`, one silence or a bulk of them). docs/security.md.
 */
export function checkSilenceLength(options: { now: Date; expiresAt: Date; maxMs: number }): void {
  const { now, expiresAt, maxMs } = options;
  if (expiresAt.getTime() - now.getTime() > maxMs) {
    const days = Math.round((maxMs / 86_400_000) * 100) / 100;
    throw new AppError(
      "bad_request",
      `invalid request: a silence may last at most ${days} days (KDUMPWATCH_MAX_SILENCE_DAYS)`,
    );
  }
}
