import { expect, test } from "vitest";
import { BACKOFF_CAP_MS, BACKOFF_MIN_MS, reconnectDelay } from "./backoff.ts";

test("the delay ceiling doubles per attempt and stops at the cap", () => {
  const top = () => 0.999_999;
  expect(reconnectDelay(0, top)).toBe(999);
  expect(reconnectDelay(1, top)).toBe(1999);
  expect(reconnectDelay(3, top)).toBe(7999);
  expect(reconnectDelay(50, top)).toBe(BACKOFF_CAP_MS - 1);
});

test("full jitter spreads reconnects but never below the floor", () => {
  expect(reconnectDelay(4, () => 0)).toBe(BACKOFF_MIN_MS);
  expect(reconnectDelay(4, () => 0.5)).toBe(8000);
});
