import { describe, expect, test } from "vitest";
import { ManualClock } from "../clock.ts";
import { AuthThrottle } from "./auth-throttle.ts";

const limits = { perClient: 3, perAccount: 5, windowSec: 60 };

describe("AuthThrottle", () => {
  test("a client gets perClient failures, then waits until its window ends", () => {
    const clock = new ManualClock();
    const t = new AuthThrottle(clock, limits);
    expect([t.fail("a", "admin"), t.fail("a", "admin")]).toEqual([0, 0]);
    expect(t.fail("a", "admin"), "the third failure spends the budget").toBe(60);
    clock.advance(15);
    expect(t.retryAfter("a", "admin")).toBe(45);
    expect(t.retryAfter("b", "admin"), "another client is not affected").toBe(0);
    clock.advance(45);
    expect(t.retryAfter("a", "admin"), "a new window").toBe(0);
  });

  test("failures from many clients add up on the account", () => {
    const clock = new ManualClock();
    const t = new AuthThrottle(clock, limits);
    for (const client of ["a", "b", "c", "d"]) t.fail(client, "admin");
    expect(t.retryAfter("e", "admin")).toBe(0);
    t.fail("e", "admin");
    expect(t.retryAfter("fresh", "admin"), "the account is over its budget").toBe(60);
    expect(t.retryAfter("fresh", "other"), "other accounts are not").toBe(0);
  });

  test("a success clears its client's count, not the account's", () => {
    const clock = new ManualClock();
    const t = new AuthThrottle(clock, { ...limits, perAccount: 3 });
    t.fail("a", "admin");
    t.fail("a", "admin");
    t.succeed("a");
    t.fail("a", "admin");
    expect(t.retryAfter("b", "admin")).toBe(60);
  });

  test("a spray of addresses keeps memory bounded and cannot evict the account's count", () => {
    const clock = new ManualClock();
    const t = new AuthThrottle(clock, { perClient: 1_000, perAccount: 60_000, windowSec: 60 });
    for (let i = 0; i < 60_000; i++) t.fail(`10.0.${i >> 8}.${i & 255}`, "admin");
    expect(t.retryAfter("192.0.2.1", "admin"), "60,000 failures spent the account's budget").toBe(60);
  });
});
