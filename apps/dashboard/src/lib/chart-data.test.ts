import { expect, test } from "vitest";
import { MAX_SAMPLES, readinessColumns, sampleSummary, timeTick, withAlpha } from "./chart-data.ts";
import { summary } from "./test-data.ts";

const counts = (ready: number, not_ready: number) => ({ ready, at_risk: 0, not_ready, unknown: 0 });

test("the series is the share of ready and not-ready hosts, closed at now", () => {
  const now = Date.parse("2026-11-26T10:00:00Z");
  const [xs, ready, notReady] = readinessColumns(
    [{ at: "2026-11-26T09:00:00Z", ...counts(1, 3) }],
    counts(3, 1),
    now,
  );
  expect(xs).toEqual([Date.parse("2026-11-26T09:00:00Z") / 1000, now / 1000]);
  expect(ready).toEqual([25, 75]);
  expect(notReady).toEqual([75, 25]);
});

test("points are sorted, bad times dropped, and a second holds one point", () => {
  const [xs, ready] = readinessColumns(
    [
      { at: "2026-11-26T09:00:05Z", ...counts(2, 0) },
      { at: "garbage", ...counts(9, 9) },
      { at: "2026-11-26T09:00:00Z", ...counts(0, 2) },
      { at: "2026-11-26T09:00:05.500Z", ...counts(1, 1) },
    ],
    counts(1, 1),
    Date.parse("2026-11-26T09:00:05.900Z"),
  );
  expect(xs).toHaveLength(2);
  expect(ready).toEqual([0, 50]);
});

test("an empty fleet has no share rather than 0%", () => {
  const [, ready] = readinessColumns([], counts(0, 0), Date.now());
  expect(ready).toEqual([null]);
});

test("a summary with unchanged counts adds no sample; a change does", () => {
  const a = sampleSummary([], summary());
  const b = sampleSummary(a, summary({ generatedAt: "2026-11-26T09:05:00.000Z" }));
  expect(b).toBe(a);
  const c = sampleSummary(b, summary({ verdicts: { ready: 7, at_risk: 1, not_ready: 1, unknown: 1 } }));
  expect(c).toHaveLength(2);
  expect(c[1]?.not_ready).toBe(1);
});

test("the sample buffer is capped, dropping the oldest", () => {
  let samples = sampleSummary([], summary());
  for (let i = 0; i < MAX_SAMPLES + 10; i++) {
    samples = sampleSummary(
      samples,
      summary({ verdicts: { ready: i, at_risk: 0, not_ready: 1, unknown: 0 } }),
    );
  }
  expect(samples).toHaveLength(MAX_SAMPLES);
  expect(samples[samples.length - 1]?.ready).toBe(MAX_SAMPLES + 9);
});

test("withAlpha turns a hex colour into a canvas-safe rgba", () => {
  expect(withAlpha("#16a34a", 0.2)).toBe("rgba(22, 163, 74, 0.2)");
  expect(withAlpha("red", 0.2)).toBe("red");
});

test("axis labels are as precise as the span needs, never milliseconds", () => {
  const t = new Date(2026, 10, 26, 9, 22, 50).getTime() / 1000;
  expect(timeTick(t, 120)).toBe("09:22:50");
  expect(timeTick(t, 3600)).toBe("09:22");
  expect(timeTick(t, 5 * 86_400)).toBe("11-26 09:22");
});
