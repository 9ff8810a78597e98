import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { throttle } from "./throttle.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test("a burst of calls runs once at once and once after the interval", () => {
  const fn = vi.fn();
  const t = throttle(fn, 1000);
  for (let i = 0; i < 300; i++) t();
  expect(fn, "the first call runs immediately").toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(999);
  expect(fn).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(1);
  expect(fn, "the rest of the burst collapses into one trailing run").toHaveBeenCalledTimes(2);
  vi.advanceTimersByTime(5000);
  expect(fn).toHaveBeenCalledTimes(2);
});

test("a call after a quiet interval runs immediately", () => {
  const fn = vi.fn();
  const t = throttle(fn, 1000);
  t();
  vi.advanceTimersByTime(1500);
  t();
  expect(fn).toHaveBeenCalledTimes(2);
});

test("cancel drops a pending trailing run", () => {
  const fn = vi.fn();
  const t = throttle(fn, 1000);
  t();
  t();
  t.cancel();
  vi.advanceTimersByTime(2000);
  expect(fn).toHaveBeenCalledTimes(1);
});
