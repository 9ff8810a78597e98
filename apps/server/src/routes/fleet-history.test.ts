import { ApiErrorSchema, type FleetHistory, FleetHistorySchema } from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const T0 = Date.parse("2026-11-26T10:00:00.000Z");
const MIN = 60;
const HOUR = 3600;
/** the clock when the history is asked for: 5 minutes after the last whole hour */
const NOW = T0 + (3 * HOUR + 5 * MIN) * 1000;

type Counts = { ready: number; at_risk: number; not_ready: number; unknown: number };
const counts = (ready: number, at_risk: number, not_ready: number, unknown: number): Counts => ({
  ready,
  at_risk,
  not_ready,
  unknown,
});

describe.each(testDrivers())("fleet history on $name", (driver) => {
  let h: Harness;
  const ids = new Map<string, string>();

  /** The host `name` (enrolled on first use, with its own machine-id unless given) is judged `spec` at T0 + `offset` s. */
  async function judge(name: string, offset: number, spec: string, machineId = `machine-${name}`) {
    h.clock.set(new Date(T0 + offset * 1000));
    let id = ids.get(name);
    if (id === undefined) {
      const auth = await h.kdw.services.agents.authenticate(hello({ machineId, hostname: name }), null);
      if (!auth.ok) throw new Error(`${name} could not enroll: ${auth.message}`);
      id = auth.hostId;
      ids.set(name, id);
    }
    if (spec !== "") await h.kdw.services.agents.ingest(id, snapshotFrame(`${spec} n=${name}`));
  }

  async function history(query = ""): Promise<FleetHistory> {
    const res = await h.request(`/api/fleet/history${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return FleetHistorySchema.parse(await res.json());
  }

  beforeAll(async () => {
    h = await createHarness(driver);
    // judged before the history starts
    await judge("alpha", -30 * MIN, "verdict=ready");
    await judge("echo", -2 * HOUR, "verdict=not_ready failing=crashkernel.reserved");
    // a clone of alpha (same machine-id while alpha is live): a duplicate record, never counted
    await judge("alpha-clone", 10 * MIN, "verdict=ready", "machine-alpha");
    // enrolled later: not_ready, then ready exactly at the 1 h point
    await judge("bravo", 30 * MIN, "verdict=not_ready failing=kdump.loaded");
    await judge("bravo", HOUR, "verdict=ready");
    // ready → not_ready → ready, all between the 1 h and 2 h points
    await judge("alpha", HOUR + 10 * MIN, "verdict=not_ready failing=kdump.loaded");
    await judge("alpha", HOUR + 20 * MIN, "verdict=ready");
    // the failing set changes, the verdict does not: a transition that moves no count
    await judge("echo", HOUR + 30 * MIN, "verdict=not_ready failing=crashkernel.reserved,kdump.loaded");
    await judge("alpha", 2 * HOUR + 30 * MIN, "verdict=at_risk failing=crashkernel.size");
    await judge("golf", 2 * HOUR + 50 * MIN, "verdict=unknown failing=collection.complete");
    // enrolled, never judged: not in the history
    await judge("delta", 2 * HOUR + 55 * MIN, "");
    await judge("hotel", 3 * HOUR + 3 * MIN, "verdict=ready");
    h.clock.set(new Date(NOW));
  });
  afterAll(async () => h?.dispose());

  test("hourly points count each non-duplicate host in the verdict of its latest transition at or before the point", async () => {
    const { points } = await history(`?since=${new Date(T0).toISOString()}&step=3600`);
    expect(points.map((p) => p.at)).toEqual([
      "2026-11-26T10:00:00.000Z",
      "2026-11-26T11:00:00.000Z",
      "2026-11-26T12:00:00.000Z",
      "2026-11-26T13:00:00.000Z",
      // the last point is now, 5 minutes after the last whole step
      "2026-11-26T13:05:00.000Z",
    ]);
    const byTime = points.map(({ at: _at, ...c }) => c);
    expect(byTime[0], "10:00 alpha ready, echo not_ready; bravo not enrolled yet").toEqual(
      counts(1, 0, 1, 0),
    );
    expect(byTime[1], "11:00 bravo turned ready at exactly 11:00").toEqual(counts(2, 0, 1, 0));
    expect(byTime[2], "12:00 alpha went not_ready and back to ready in between").toEqual(counts(2, 0, 1, 0));
    expect(byTime[3], "13:00 alpha at_risk, golf unknown, delta never judged").toEqual(counts(1, 1, 1, 1));
    expect(byTime[4], "13:05 hotel enrolled and ready").toEqual(counts(2, 1, 1, 1));
  });

  test("a point inside a host's short detour sees the detour", async () => {
    const { points } = await history(
      `?since=${new Date(T0 + (HOUR + 15 * MIN) * 1000).toISOString()}&step=60`,
    );
    expect(points[0], "11:15: alpha not_ready").toMatchObject({
      ...counts(1, 0, 2, 0),
      at: "2026-11-26T11:15:00.000Z",
    });
    expect(points[5], "11:20: alpha ready again (transition at the point counts)").toMatchObject(
      counts(2, 0, 1, 0),
    );
    expect(points).toHaveLength(111);
  });

  test("the last point agrees with the fleet summary, less duplicates and hosts never judged", async () => {
    const { points } = await history();
    const summary = (await (await h.request("/api/fleet/summary")).json()) as {
      verdicts: Counts;
      total: number;
    };
    const last = points.at(-1);
    expect(summary.total, "alpha, alpha-clone, bravo, delta, echo, golf, hotel").toBe(7);
    // alpha-clone is ready, delta is unknown (never judged)
    expect(last).toMatchObject({
      ...counts(
        summary.verdicts.ready - 1,
        summary.verdicts.at_risk,
        summary.verdicts.not_ready,
        summary.verdicts.unknown - 1,
      ),
      at: new Date(NOW).toISOString(),
    });
  });

  test("by default: the last seven days in at most 200 evenly spaced points, then now", async () => {
    const { points } = await history();
    expect(points).toHaveLength(200);
    const times = points.map((p) => Date.parse(p.at));
    expect(times[0]).toBe(NOW - 7 * 86_400_000);
    for (let i = 1; i < times.length - 1; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBe(3040_000);
    expect(times.at(-1)).toBe(NOW);
    expect(points[0], "nobody had reported seven days ago").toMatchObject(counts(0, 0, 0, 0));
  });

  test("a transition stamped after now (a server whose clock runs ahead) is not counted yet", async () => {
    h.clock.set(new Date(T0 + 3 * HOUR * 1000));
    try {
      const { points } = await history(`?since=${new Date(T0).toISOString()}`);
      expect(points.at(-1), "hotel (13:03) is not there at 13:00").toMatchObject(counts(1, 1, 1, 1));
    } finally {
      h.clock.set(new Date(NOW));
    }
  });

  test.each([
    ["?since=2026-08-01T00:00:00Z", "since"],
    ["?since=2026-11-27T00:00:00Z", "since"],
    ["?since=last-week", "since"],
    ["?step=59", "step"],
    ["?step=abc", "step"],
    ["?since=2026-11-01T00:00:00Z&step=60", "step"],
  ])("a bad query (%s) is a 400 naming the problem", async (query, word) => {
    const res = await h.request(`/api/fleet/history${query}`);
    expect(res.status, query).toBe(400);
    const body = ApiErrorSchema.parse(await res.json());
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message, query).toContain(word);
  });

  test("the history needs the admin token", async () => {
    const res = await h.request("/api/fleet/history", { auth: false });
    expect(res.status).toBe(401);
  });
});
