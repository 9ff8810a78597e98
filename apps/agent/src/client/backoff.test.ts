import { seededRandom } from "@kdumpwatch/testkit/agent";
import { describe, expect, test } from "vitest";
import type { BackoffPolicy } from "./backoff.ts";
import { backoffWindow, DEFAULT_BACKOFF, reconnectDelay } from "./backoff.ts";

const policy: BackoffPolicy = { baseMs: 1_000, capMs: 180_000, slowMs: 600_000 };

function draws(n: number, input: Omit<Parameters<typeof reconnectDelay>[0], "random">, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => reconnectDelay({ ...input, random }));
}

describe("backoff window", () => {
  test.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [8, 128_000],
    [9, 180_000],
    [50, 180_000],
    [10_000, 180_000],
  ])("attempt %i has a window of %i ms", (attempt, expected) => {
    expect(backoffWindow(attempt, policy)).toBe(expected);
  });

  test("the default policy retries first within 1.5 s and caps between 3 and 5 minutes", () => {
    expect(backoffWindow(1, DEFAULT_BACKOFF)).toBeLessThanOrEqual(2_000);
    expect(backoffWindow(1, DEFAULT_BACKOFF)).toBeGreaterThanOrEqual(1_000);
    expect(DEFAULT_BACKOFF.capMs).toBeGreaterThanOrEqual(180_000);
    expect(DEFAULT_BACKOFF.capMs).toBeLessThanOrEqual(300_000);
  });
});

describe("full jitter", () => {
  test("delays cover the whole window evenly instead of bunching (10,000 draws, 10 buckets)", () => {
    const window = backoffWindow(4, policy);
    const delays = draws(10_000, { attempt: 4, reason: "normal", policy });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(window);
    expect(Math.min(...delays), "some retries come almost at once").toBeLessThan(window * 0.01);
    expect(Math.max(...delays), "some retries wait almost the whole window").toBeGreaterThan(window * 0.99);
    expect(new Set(delays).size, "delays are not all equal").toBeGreaterThan(4_000);
    const buckets = new Array<number>(10).fill(0);
    for (const d of delays) buckets[Math.floor((d / window) * 10)]! += 1;
    for (const [i, count] of buckets.entries()) {
      expect(count, `bucket ${i} of ${JSON.stringify(buckets)}`).toBeGreaterThan(850);
      expect(count, `bucket ${i} of ${JSON.stringify(buckets)}`).toBeLessThan(1_150);
    }
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean / window).toBeCloseTo(0.5, 1);
  });

  test("no delay exceeds the cap, however many failures came before", () => {
    for (const attempt of [1, 5, 9, 20, 64, 1_000]) {
      const delay = reconnectDelay({ attempt, reason: "normal", random: () => 0.999_999, policy });
      expect(delay, `attempt ${attempt}`).toBeLessThan(policy.capMs);
    }
  });

  test("a server retry hint is a floor, and the jitter window is added on top of it", () => {
    const delays = draws(2_000, { attempt: 1, reason: "normal", hintMs: 30_000, policy });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(30_000);
    expect(Math.max(...delays)).toBeLessThan(30_000 + backoffWindow(1, policy));
    expect(new Set(delays).size, "agents given the same hint do not all return together").toBeGreaterThan(
      500,
    );
  });

  test("with a hint the window stops growing with the attempts: a deferred agent comes back soon after it", () => {
    const deferred = draws(2_000, { attempt: 8, reason: "normal", hintMs: 2_000, policy });
    expect(Math.min(...deferred)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...deferred), "not the 8th attempt's window").toBeLessThan(2_000 + policy.baseMs);
    expect(new Set(deferred).size, "still spread").toBeGreaterThan(500);
    const longHint = draws(2_000, { attempt: 8, reason: "normal", hintMs: 60_000, policy });
    expect(Math.max(...longHint)).toBeLessThan(60_000 + 15_000);
    expect(Math.max(...longHint), "a quarter of a long hint").toBeGreaterThan(60_000 + 10_000);
  });

  test("an absurd hint is clamped to one hour and a negative one counts as none", () => {
    const huge = reconnectDelay({ attempt: 1, reason: "normal", hintMs: 1e12, random: () => 0, policy });
    expect(huge).toBe(3_600_000);
    const negative = reconnectDelay({ attempt: 1, reason: "normal", hintMs: -5, random: () => 0, policy });
    expect(negative).toBe(0);
  });

  test("an overloaded server without a hint is left alone for a wider window than a fresh failure", () => {
    const overloaded = draws(2_000, { attempt: 1, reason: "overloaded", policy });
    const normal = draws(2_000, { attempt: 1, reason: "normal", policy });
    expect(Math.max(...normal)).toBeLessThan(policy.baseMs);
    expect(Math.max(...overloaded)).toBeGreaterThan(10 * policy.baseMs);
  });

  test("slow retries come about every slowMs: between half and one and a half of it, spread", () => {
    const delays = draws(2_000, { attempt: 3, reason: "slow", policy });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(300_000);
    expect(Math.max(...delays)).toBeLessThan(900_000);
    expect(new Set(delays).size).toBeGreaterThan(1_000);
  });
});
