import type { FleetHistoryQuery } from "@kdumpwatch/protocol";
import { FLEET_HISTORY_DEFAULT_POINTS, FLEET_HISTORY_MAX_POINTS } from "@kdumpwatch/protocol";
import { describe, expect, test } from "vitest";
import { AppError } from "../errors.ts";
import { planHistory } from "./fleet-history.ts";

const now = new Date("2026-11-26T10:00:00.000Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

describe("planHistory", () => {
  test.each<[FleetHistoryQuery, number, number]>([
    // [query, step, regular points before now]
    [{}, 3040, 199],
    [{ since: ago(3600) }, 60, 60],
    [{ since: ago(3600 + 30) }, 60, 61],
    [{ since: ago(90 * 86_400) }, 39_076, 199],
    [{ since: ago(86_400), step: 3600 }, 3600, 24],
    [{ since: ago(86_400), step: 7000 }, 7000, 13],
    [{ since: ago(10) }, 60, 1],
  ])("%j → a step of %i s and %i points before the one at now", (query, step, regular) => {
    const plan = planHistory(now, query);
    expect(plan, JSON.stringify(query)).toMatchObject({ step, regular, now });
    expect(plan.regular + 1).toBeLessThanOrEqual(
      query.step ? FLEET_HISTORY_MAX_POINTS : FLEET_HISTORY_DEFAULT_POINTS,
    );
    // the last regular point is before now, and the next one would not be
    const last = plan.since.getTime() + (plan.regular - 1) * plan.step * 1000;
    expect(last).toBeLessThan(now.getTime());
    expect(last + plan.step * 1000).toBeGreaterThanOrEqual(now.getTime());
  });

  test("the default history starts seven days ago", () => {
    expect(planHistory(now, {}).since.toISOString()).toBe(ago(7 * 86_400));
  });

  test("since keeps its offset: +01:00 is an hour earlier in UTC", () => {
    expect(planHistory(now, { since: "2026-11-26T09:00:00+01:00" }).since.toISOString()).toBe(ago(7200));
  });

  test.each([
    [{ since: ago(90 * 86_400 + 1) }, "90 days"],
    [{ since: now.toISOString() }, "before now"],
    [{ since: ago(-60) }, "before now"],
    [{ since: ago(30 * 86_400), step: 60 }, "step"],
  ])("%j is refused (%s)", (query, word) => {
    let error: unknown;
    try {
      planHistory(now, query);
    } catch (err) {
      error = err;
    }
    expect(error, JSON.stringify(query)).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("bad_request");
    expect((error as AppError).message).toContain(word);
  });
});
