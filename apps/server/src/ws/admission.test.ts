import { describe, expect, test } from "vitest";
import { createAdmission } from "./admission.ts";

function clocked(options: { withinMs: number; minInFlight: number }) {
  let t = 1_000_000;
  const admission = createAdmission({ ...options, now: () => t });
  return { admission, advance: (ms: number) => (t += ms) };
}

describe("admission control", () => {
  test("below the floor every session is admitted, before any rate is known", () => {
    const { admission } = clocked({ withinMs: 5000, minInFlight: 3 });
    const ends = [admission.begin(), admission.begin()];
    expect(admission.admit()).toBeNull();
    ends.push(admission.begin());
    expect(admission.admit(), "three in flight, floor three, no rate yet").not.toBeNull();
    for (const end of ends) end();
    expect(admission.admit()).toBeNull();
  });

  test("capacity follows the measured rate: what completes in the window is admitted", () => {
    const { admission, advance } = clocked({ withinMs: 5000, minInFlight: 10 });
    // 100 completions a second for 5 s
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 100; i++) admission.begin()();
      advance(1000);
    }
    expect(admission.rate).toBeGreaterThanOrEqual(80);
    const open = Array.from({ length: 300 }, () => admission.begin());
    expect(admission.admit(), "300 in flight, ~400 finish within 5 s").toBeNull();
    open.push(...Array.from({ length: 300 }, () => admission.begin()));
    const hint = admission.admit();
    expect(hint, "600 in flight is more than 5 s of work").not.toBeNull();
    expect(hint!, "not before the work in flight has drained").toBeGreaterThanOrEqual(5000);
  });

  test("deferred sessions get slots one after another at the measured pace, never the same moment", () => {
    const { admission, advance } = clocked({ withinMs: 1000, minInFlight: 0 });
    for (let s = 0; s < 5; s++) {
      for (let i = 0; i < 100; i++) admission.begin()();
      advance(1000);
    }
    for (let i = 0; i < 200; i++) admission.begin();
    const hints = Array.from({ length: 100 }, () => admission.admit() ?? 0);
    expect(new Set(hints).size, "every deferred agent its own slot").toBe(100);
    for (let i = 1; i < hints.length; i++) expect(hints[i]).toBeGreaterThan(hints[i - 1]!);
    // two units per session at the measured rate
    const spacing = 2000 / admission.rate;
    expect(admission.rate).toBeGreaterThan(60);
    expect(hints[99]! - hints[0]!).toBeGreaterThanOrEqual(99 * spacing - 50);
    expect(hints[99]! - hints[0]!).toBeLessThanOrEqual(99 * spacing + 50);
  });

  test("hints stay within 1 s and 1 min, and a start with no rate measured yet does not park the fleet", () => {
    const { admission } = clocked({ withinMs: 0, minInFlight: 0 });
    admission.begin();
    expect(admission.admit()).toBe(1000);
    for (let i = 0; i < 10_000; i++) admission.begin();
    for (let i = 0; i < 500; i++) admission.admit();
    expect(admission.admit()).toBe(60_000);
    const fresh = clocked({ withinMs: 5000, minInFlight: 64 }).admission;
    for (let i = 0; i < 64; i++) fresh.begin();
    const hints = Array.from({ length: 3000 }, () => fresh.admit() ?? 0);
    // 3,000 sessions deferred before any work completed: spread over the first minute, not five
    expect(hints[0]).toBeLessThan(5_000);
    expect(Math.max(...hints)).toBeLessThanOrEqual(60_000);
  });
});
