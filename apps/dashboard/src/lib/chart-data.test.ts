import { summary } from "@kdumpwatch/testkit";
import { expect, test } from "vitest";
import {
  COUNT_INCREMENTS,
  type CountsAt,
  closerSince,
  countTick,
  MAX_SAMPLES,
  readinessColumns,
  sampleSummary,
  timeTick,
  withAlpha,
} from "./chart-data.ts";

const counts = (ready: number, not_ready: number, at_risk = 0, unknown = 0) => ({
  ready,
  at_risk,
  not_ready,
  unknown,
});
const at = (iso: string, c: ReturnType<typeof counts>): CountsAt => ({ at: iso, ...c });
const sec = (iso: string) => Date.parse(iso) / 1000;

test("each point stacks ready, at risk, unknown and not ready, the top band ending at the fleet's size", () => {
  const now = Date.parse("2026-11-26T10:00:00Z");
  const [xs, ready, atRisk, unknown, notReady] = readinessColumns({
    history: [at("2026-11-26T09:00:00Z", counts(1, 2, 3, 4))],
    live: [],
    current: counts(6, 1, 2, 1),
    now,
  });
  expect(xs).toEqual([sec("2026-11-26T09:00:00Z"), now / 1000]);
  expect(ready, "ready on the axis").toEqual([1, 6]);
  expect(atRisk, "ready + at risk").toEqual([4, 8]);
  expect(unknown, "ready + at risk + unknown").toEqual([8, 9]);
  expect(notReady, "every host").toEqual([10, 10]);
});

test("the history comes first, then the live summaries after it, then now", () => {
  const [xs, ready, , , all] = readinessColumns({
    history: [at("2026-11-26T08:00:00Z", counts(1, 1)), at("2026-11-26T09:00:00Z", counts(2, 0))],
    live: [
      // seen before the history loaded: the history already covers it
      at("2026-11-26T08:30:00Z", counts(0, 2)),
      at("2026-11-26T09:10:00Z", counts(1, 3)),
    ],
    current: counts(3, 1),
    now: Date.parse("2026-11-26T09:20:00Z"),
  });
  expect(xs).toEqual(["08:00", "09:00", "09:10", "09:20"].map((t) => sec(`2026-11-26T${t}:00Z`)));
  expect(ready).toEqual([1, 2, 1, 3]);
  expect(all).toEqual([2, 2, 4, 4]);
});

test("before the first host the fleet is drawn empty, so hosts enrolled later show as growth", () => {
  const [xs, ready, , , all] = readinessColumns({
    history: [
      at("2026-11-20T09:00:00Z", counts(0, 0)),
      at("2026-11-21T09:00:00Z", counts(1, 0)),
      at("2026-11-22T09:00:00Z", counts(3, 1)),
    ],
    live: [],
    current: counts(3, 1),
    now: Date.parse("2026-11-22T10:00:00Z"),
  });
  expect(xs).toHaveLength(4);
  expect(ready).toEqual([0, 1, 3, 3]);
  expect(all).toEqual([0, 1, 4, 4]);
});

test("axis counts are whole hosts, short at fleet scale", () => {
  expect(COUNT_INCREMENTS.slice(0, 4)).toEqual([1, 2, 5, 10]);
  expect(COUNT_INCREMENTS.every((n) => Number.isInteger(n))).toBe(true);
  expect([0, 12, 1200, 25_000, 100_000, 1_250_000].map(countTick)).toEqual([
    "0",
    "12",
    "1,200",
    "25k",
    "100k",
    "1.3M",
  ]);
});

test("points are sorted, bad times dropped, and a second holds one point", () => {
  const [xs, ready] = readinessColumns({
    history: [],
    live: [
      at("2026-11-26T09:00:05Z", counts(2, 0)),
      at("garbage", counts(9, 9)),
      at("2026-11-26T09:00:00Z", counts(0, 2)),
      at("2026-11-26T09:00:05.500Z", counts(1, 1)),
    ],
    current: counts(1, 1),
    now: Date.parse("2026-11-26T09:00:05.900Z"),
  });
  expect(xs).toHaveLength(2);
  expect(ready).toEqual([0, 1]);
});

test("an empty fleet is one point at now, at zero", () => {
  const cols = readinessColumns({ history: [], live: [], current: counts(0, 0), now: Date.now() });
  expect(cols.slice(1)).toEqual([[0], [0], [0], [0]]);
});

test("a fleet younger than the history gets a closer look from the last empty point", () => {
  const week = Array.from({ length: 200 }, (_, i) =>
    at(
      new Date(Date.parse("2026-11-19T10:00:00Z") + i * 3040_000).toISOString(),
      counts(i >= 197 ? 5 : 0, 0),
    ),
  );
  expect(closerSince(week)).toBe(week[196]?.at);
  // hosts over more than a quarter of the span: as it is
  const older = week.map((p, i) => ({ ...p, ready: i >= 100 ? 5 : 0 }));
  expect(closerSince(older)).toBeNull();
  // hosts from the start, or none at all: as it is
  expect(closerSince(week.map((p) => ({ ...p, ready: 1 })))).toBeNull();
  expect(closerSince(week.map((p) => ({ ...p, ready: 0 })))).toBeNull();
  expect(closerSince([])).toBeNull();
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
