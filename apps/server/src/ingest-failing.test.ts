import { spawnSync } from "node:child_process";
import {
  AlertListSchema,
  HostDetailSchema,
  HostListSchema,
  INGEST_FAILING_CHECK,
  type LiveEvent,
} from "@kdumpwatch/protocol";
import {
  createHarness,
  fakeJudge,
  type Harness,
  hello,
  listenHarness,
  snapshotFrame,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const PROMTOOL = "/usr/bin/promtool";

/** fakeJudge, except that a snapshot saying `explode` makes it throw (a parser bug on hostile input) */
const explodingJudge: typeof fakeJudge = (snapshot, now) => {
  const cmdline = snapshot.sources.cmdline;
  if (cmdline?.ok && cmdline.text.includes("explode")) throw new RangeError("judge blew up");
  return fakeJudge(snapshot, now);
};

const sample = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe.each(testDrivers())("no silent staleness on $name", (driver) => {
  let h: Harness;
  let srv: Awaited<ReturnType<typeof listenHarness>>;
  beforeAll(async () => {
    h = await createHarness(driver, { judge: explodingJudge, env: { KDUMPWATCH_ALERT_HOLD: "0" } });
    srv = await listenHarness(h);
  });
  afterAll(async () => {
    await srv?.close();
    await h?.dispose();
  });

  test("a snapshot that cannot be judged marks its host in the API, the live feed, an alert and the metrics, until one is stored", async () => {
    const events: LiveEvent[] = [];
    const unsubscribe = h.hub.subscribe((e) => events.push(e));
    const agent = await TestAgent.connect(srv.wsUrl);
    agent.send(hello({ machineId: "m-explode", hostname: "explode-1" }));
    const { hostId } = await agent.next("welcome");
    agent.send(snapshotFrame("verdict=ready", 1));
    await agent.next("ack", (m) => m.seq === 1);

    const failedAt = h.clock.now().toISOString();
    agent.send(snapshotFrame("verdict=ready explode", 2));
    await agent.next("error", (m) => m.code === "internal");
    expect(
      agent.messages.some((m) => m.type === "ack" && m.seq === 2),
      "not acked",
    ).toBe(false);

    const detail = HostDetailSchema.parse(await (await h.request(`/api/hosts/${hostId}`)).json());
    expect(detail.host.verdict, "the last stored verdict is kept…").toBe("ready");
    expect(detail.host.ingestFailure, "…and marked as not current").toEqual({
      since: failedAt,
      reason: "judge",
    });
    const list = HostListSchema.parse(await (await h.request("/api/hosts")).json());
    expect(list.hosts.find((x) => x.id === hostId)?.ingestFailure).toEqual({
      since: failedAt,
      reason: "judge",
    });
    expect(
      events.some((e) => e.type === "host" && e.host.id === hostId && e.host.ingestFailure !== null),
    ).toBe(true);

    await h.kdw.alerting.runOnce();
    const alerts = AlertListSchema.parse(
      await (await h.request(`/api/alerts?hostId=${hostId}`)).json(),
    ).alerts;
    const alert = alerts.find((a) => a.check === INGEST_FAILING_CHECK);
    expect(alert, JSON.stringify(alerts)).toMatchObject({ alertname: "KdumpIngestFailing", state: "firing" });

    const text = await (await h.request("/metrics")).text();
    expect(sample(text, 'kdumpwatch_ingest_failures_total{reason="judge"}')).toBe(1);
    expect(sample(text, "kdumpwatch_hosts_ingest_failing")).toBe(1);
    const promtool = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${promtool.stdout}${promtool.stderr}`, "promtool says nothing").toBe("");

    // a stored snapshot clears the mark, the gauge and (after the hold) the alert
    h.clock.advance(5);
    agent.send(snapshotFrame("verdict=at_risk failing=crashkernel.reserved", 3));
    await agent.next("ack", (m) => m.seq === 3);
    const after = HostDetailSchema.parse(await (await h.request(`/api/hosts/${hostId}`)).json());
    expect(after.host.ingestFailure).toBeNull();
    expect(after.host.verdict).toBe("at_risk");
    await h.kdw.alerting.runOnce();
    h.clock.advance(1);
    await h.kdw.alerting.runOnce();
    const later = AlertListSchema.parse(
      await (await h.request(`/api/alerts?hostId=${hostId}&resolvedWithin=1h`)).json(),
    ).alerts.find((a) => a.check === INGEST_FAILING_CHECK);
    expect(later?.state).toBe("resolved");
    expect(sample(await (await h.request("/metrics")).text(), "kdumpwatch_hosts_ingest_failing")).toBe(0);
    agent.close();
    unsubscribe();
  });

  test("a host marked by one connection is cleared by the next stored snapshot on another", async () => {
    const a = await TestAgent.connect(srv.wsUrl);
    a.send(hello({ machineId: "m-reconnect", hostname: "reconnect-1" }));
    const welcome = await a.next("welcome");
    a.send(snapshotFrame("explode", 1));
    await a.next("error");
    a.close();
    await a.closed;
    const b = await TestAgent.connect(srv.wsUrl);
    b.send(
      hello({
        machineId: "m-reconnect",
        hostname: "reconnect-1",
        auth: { kind: "credential", hostId: welcome.hostId, secret: welcome.credential!.secret },
      }),
    );
    await b.next("welcome");
    b.send(snapshotFrame("verdict=ready", 2));
    await b.next("ack");
    const detail = HostDetailSchema.parse(await (await h.request(`/api/hosts/${welcome.hostId}`)).json());
    expect(detail.host.ingestFailure).toBeNull();
    b.close();
  });
});
