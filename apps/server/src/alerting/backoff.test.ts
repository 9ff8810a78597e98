import { describe, expect, test } from "vitest";
import {
  DEFAULT_REMINDER_POLICY,
  DEFAULT_RETRY_POLICY,
  nextReminderDelayMs,
  retryDelayMs,
} from "./backoff.ts";

const H = 3600_000;

describe("backoff schedules", () => {
  test("reminder delays double from 4 h and are capped at 24 h", () => {
    const delays = [0, 1, 2, 3, 4, 50].map((n) => nextReminderDelayMs(n, DEFAULT_REMINDER_POLICY) / H);
    expect(delays).toEqual([4, 8, 16, 24, 24, 24]);
  });

  test("retry windows double from 1 s to a 5 min cap, jittered within [window/4, window]", () => {
    const windows = [1, 2, 3, 4, 10, 20].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY, 0.999999));
    expect(windows).toEqual([1000, 2000, 4000, 8000, 300_000, 300_000]);
    expect(retryDelayMs(3, DEFAULT_RETRY_POLICY, 0)).toBe(1000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(5, DEFAULT_RETRY_POLICY, Math.random());
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(16_000);
    }
  });
});
