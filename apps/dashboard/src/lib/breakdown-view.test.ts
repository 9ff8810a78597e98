import { expect, test } from "vitest";
import { bucketView } from "./breakdown-view.ts";

const bucket = (ready: number, at_risk: number, not_ready: number, unknown: number) => ({
  value: "Ubuntu 24.04.1 LTS",
  hosts: ready + at_risk + not_ready + unknown,
  ready,
  at_risk,
  not_ready,
  unknown,
});

test("a bucket shows its ready share and a bar split by verdict, scaled to the largest bucket", () => {
  const view = bucketView(bucket(6, 1, 2, 1), 20);
  expect(view.readyShare).toBe("60%");
  expect(view.segments, "ready, at risk, unknown, not ready; half of the largest").toEqual([
    { verdict: "ready", width: 30 },
    { verdict: "at_risk", width: 5 },
    { verdict: "unknown", width: 5 },
    { verdict: "not_ready", width: 10 },
  ]);
  expect(view.title).toBe("6 ready, 1 at risk, 1 unknown, 2 not ready");
  expect(view.hasNotReady).toBe(true);
});

test("verdicts without hosts take no room and are not named", () => {
  const view = bucketView(bucket(3, 0, 0, 0), 3);
  expect(view.segments).toEqual([{ verdict: "ready", width: 100 }]);
  expect(view.title).toBe("3 ready");
  expect(view.readyShare).toBe("100%");
  expect(view.hasNotReady).toBe(false);
});

test("a bucket with no ready host says 0%, an empty one a dash", () => {
  expect(bucketView(bucket(0, 0, 4, 0), 4).readyShare).toBe("0%");
  expect(bucketView(bucket(0, 0, 0, 0), 0)).toMatchObject({ readyShare: "—", segments: [], title: "" });
});
