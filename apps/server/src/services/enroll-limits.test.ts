import { describe, expect, test } from "vitest";
import { ManualClock } from "../clock.ts";
import { createEnrollLimiter } from "./enroll-limits.ts";

describe("enrollment rate limit per token", () => {
  test("a token gets its per-minute allowance at once, then one enrollment per refill interval", () => {
    const clock = new ManualClock();
    const limiter = createEnrollLimiter({ perMinute: 3, clock });
    expect([limiter.take("t"), limiter.take("t"), limiter.take("t")]).toEqual([0, 0, 0]);
    const wait = limiter.take("t");
    expect(wait, "the fourth waits for a refill (20 s at 3 per minute)").toBe(20_000);
    expect(limiter.take("other"), "another token has its own bucket").toBe(0);
    clock.advance(20);
    expect(limiter.take("t")).toBe(0);
    expect(limiter.take("t")).toBeGreaterThan(0);
  });

  test("0 means unlimited", () => {
    const limiter = createEnrollLimiter({ perMinute: 0, clock: new ManualClock() });
    for (let i = 0; i < 1000; i++) expect(limiter.take("t")).toBe(0);
  });
});
