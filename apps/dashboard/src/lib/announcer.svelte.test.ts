import { expect, test, vi } from "vitest";
import { Announcer, describeChanges } from "./announcer.svelte.ts";

test.each([
  [[], ""],
  [[{ hostname: "web-1", from: "ready", to: "not_ready" }], "web-1 is now not ready (was ready)."],
  [[{ hostname: "new-1", from: null, to: "ready" }], "new-1 reported: ready."],
  [
    [
      { hostname: "a", from: "ready", to: "at_risk" },
      { hostname: "b", from: "ready", to: "at_risk" },
      { hostname: "c", from: "ready", to: "at_risk" },
      { hostname: "d", from: "ready", to: "at_risk" },
      { hostname: "e", from: "ready", to: "at_risk" },
    ],
    "a is now at risk (was ready); b is now at risk (was ready); c is now at risk (was ready); 2 more hosts changed verdict.",
  ],
] as const)("a batch of %# changes reads as one sentence", (changes, sentence) => {
  expect(describeChanges(changes)).toBe(sentence);
});

test("changes arriving together are announced once, after a short pause", () => {
  vi.useFakeTimers();
  try {
    const a = new Announcer(1_000);
    a.verdictChanged({ hostname: "a", from: "ready", to: "not_ready" });
    a.verdictChanged({ hostname: "b", from: "ready", to: "not_ready" });
    expect(a.message).toBe("");
    vi.advanceTimersByTime(1_000);
    expect(a.message).toBe("a is now not ready (was ready); b is now not ready (was ready).");
  } finally {
    vi.useRealTimers();
  }
});
