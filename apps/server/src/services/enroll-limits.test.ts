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

  test("a crowd turned away in the same instant is given one slot each, a refill interval apart, and each finds its token", () => {
    const clock = new ManualClock();
    const limiter = createEnrollLimiter({ perMinute: 60, clock });
    for (let i = 0; i < 60; i++) limiter.take("t");
    const refusedAt = clock.now().getTime();
    const waits = Array.from({ length: 100 }, () => limiter.take("t"));
    expect(waits, "1 s, 2 s, … 100 s: one slot per second at 60 a minute").toEqual(
      Array.from({ length: 100 }, (_, i) => (i + 1) * 1000),
    );
    // each comes back at its slot, in slot order: every one is let in
    let admitted = 0;
    for (const wait of waits) {
      clock.set(new Date(refusedAt + wait));
      if (limiter.take("t") === 0) admitted++;
    }
    expect(admitted).toBe(100);
    expect(limiter.take("other"), "another token's crowd is its own").toBe(0);
  });

  test("slots start from the next refill again once the promised ones are past", () => {
    const clock = new ManualClock();
    const limiter = createEnrollLimiter({ perMinute: 6, clock });
    for (let i = 0; i < 6; i++) limiter.take("t");
    expect([limiter.take("t"), limiter.take("t")]).toEqual([10_000, 20_000]);
    clock.advance(600); // the bucket is full again and the slots long past
    for (let i = 0; i < 6; i++) expect(limiter.take("t")).toBe(0);
    expect(limiter.take("t"), "not behind the slots of ten minutes ago").toBe(10_000);
  });

  test("0 means unlimited", () => {
    const limiter = createEnrollLimiter({ perMinute: 0, clock: new ManualClock() });
    for (let i = 0; i < 1000; i++) expect(limiter.take("t")).toBe(0);
  });
});
