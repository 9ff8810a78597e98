import { eq, hosts, serverInstances } from "@kdumpwatch/db";
import type { LiveEvent } from "@kdumpwatch/protocol";
import { testDrivers } from "@kdumpwatch/testkit/db";
import { createHarness, type Harness } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { beat, markStopped, OUTAGE_AFTER_MS, registerInstance } from "./liveness.ts";
import { sweepStale } from "./stale-sweeper.ts";

describe.each(testDrivers())("staleness on $name", (driver) => {
  let h: Harness;
  let events: LiveEvent[];
  beforeAll(async () => {
    h = await createHarness(driver); // KDUMPWATCH_STALE_AFTER defaults to 180 s
    h.hub.subscribe((e) => events.push(e));
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => {
    await h.reset();
    events = [];
  });

  const stale = async (id: string) => (await h.kdw.services.hosts.get(id)).host.stale;

  test("a host is stale once it has not reported for longer than the threshold", async () => {
    await h.seedHost({ id: "quiet" });
    h.clock.advance(179);
    expect(await stale("quiet"), "at 179 s").toBe(false);
    h.clock.advance(2);
    expect(await stale("quiet"), "at 181 s").toBe(true);
  });

  test("the sweeper announces a host going stale once, and a report ends it", async () => {
    await h.seedHost({ id: "quiet" });
    h.clock.advance(200);
    expect(await sweepStale(h.ctx)).toBe(1);
    expect(await sweepStale(h.ctx), "not announced twice").toBe(0);
    await new Promise((r) => setTimeout(r, 5));
    expect(events.map((e) => e.type === "host_stale" && e.host.id)).toEqual(["quiet"]);
    await h.kdw.services.agents.heartbeat("quiet");
    await h.kdw.services.agents.flushLiveness();
    const [row] = await h.db.db.select().from(hosts).where(eq(hosts.id, "quiet"));
    expect(row?.staleSince, "cleared by the heartbeat").toBeNull();
    expect(await stale("quiet")).toBe(false);
  });

  test("time the server was down does not count: hosts fresh at the outage get a full period after restart", async () => {
    const first = await registerInstance(h.ctx);
    await h.seedHost({ id: "fresh" }); // heard from just now
    h.clock.advance(100);
    await h.seedHost({ id: "recent" }); // heard from 100 s after start
    await beat(h.ctx, first.instanceId); // last sign of life of the cluster
    h.clock.advance(3600); // an hour of downtime
    const second = await registerInstance(h.ctx);
    expect(second.outageSince?.toISOString()).toBe(
      new Date(h.clock.now().getTime() - 3600_000).toISOString(),
    );
    expect(second.hostsExcused).toBe(2);
    expect(await stale("fresh"), "right after the restart").toBe(false);
    h.clock.advance(h.ctx.config.reconnectGraceSec + 179);
    expect(await stale("fresh"), "within the grace period: agents' reconnect backoff plus a period").toBe(
      false,
    );
    h.clock.advance(2);
    expect(await stale("recent"), "after that much uptime without a report").toBe(true);
  });

  test("a host that was already stale before the outage stays stale", async () => {
    const first = await registerInstance(h.ctx);
    await h.seedHost({ id: "gone" });
    h.clock.advance(500);
    await beat(h.ctx, first.instanceId);
    h.clock.advance(3600);
    const second = await registerInstance(h.ctx);
    expect(second.hostsExcused).toBe(0);
    expect(await stale("gone")).toBe(true);
  });

  test("a restart while another process kept beating is no outage", async () => {
    const a = await registerInstance(h.ctx);
    await h.seedHost({ id: "h" });
    h.clock.advance(OUTAGE_AFTER_MS / 1000 - 1);
    await beat(h.ctx, a.instanceId);
    const b = await registerInstance(h.ctx);
    expect(b.outageSince).toBeNull();
    await markStopped(h.ctx, a.instanceId);
    const rows = await h.db.db.select().from(serverInstances);
    expect(rows.filter((r) => r.stoppedAt !== null).map((r) => r.id)).toEqual([a.instanceId]);
  });
});
