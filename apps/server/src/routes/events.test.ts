import {
  createHarness,
  type Harness,
  hello,
  readEvents,
  snapshotFrame,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sweepStale } from "../services/stale-sweeper.ts";

describe.each(testDrivers())("live events on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    // the hub over LISTEN/NOTIFY, as in production
    h = await createHarness(driver, { hub: "db" });
  });
  afterAll(async () => h?.dispose());

  test("a client gets the summary at once, then host changes and a fresh summary after them", async () => {
    const res = await h.request("/api/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const sse = readEvents(res.body!);
    await expect.poll(() => sse.events.map((e) => e.name)).toEqual(["summary"]);

    const auth = await h.kdw.services.agents.authenticate(hello({ hostname: "live-1" }), null);
    if (!auth.ok) throw new Error("enrollment failed");
    await h.kdw.services.agents.ingest(auth.hostId, snapshotFrame("verdict=not_ready failing=kdump.loaded"));
    await expect
      .poll(() =>
        sse.events
          .filter((e) => e.name === "host")
          .map((e) => e.event.type === "host" && e.event.host.verdict),
      )
      .toEqual(["unknown", "not_ready"]);
    await expect
      .poll(
        () => {
          const last = sse.events.filter((e) => e.event.type === "summary").at(-1)?.event;
          return last?.type === "summary" ? last.summary.verdicts.not_ready : -1;
        },
        { timeout: 5000 },
      )
      .toBe(1);

    h.clock.advance(h.config.staleAfterSec + 1);
    await sweepStale(h.ctx);
    await expect
      .poll(() => sse.events.some((e) => e.event.type === "host_stale" && e.event.host.id === auth.hostId))
      .toBe(true);
    await sse.close();
  });

  test("the event stream needs authentication", async () => {
    expect((await h.request("/api/events", { auth: false })).status).toBe(401);
  });

  test("shutting the live feed down ends open streams", async () => {
    const res = await h.request("/api/events");
    const sse = readEvents(res.body!);
    await expect.poll(() => sse.events.length).toBe(1);
    h.kdw.live.close();
    await expect.poll(() => sse.ended).toBe(true);
  });
});
