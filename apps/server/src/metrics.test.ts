import { spawnSync } from "node:child_process";
import { sql } from "@kdumpwatch/db";
import { ApiErrorSchema, MAX_FRAME_BYTES } from "@kdumpwatch/protocol";
import {
  createHarness,
  type Harness,
  hello,
  listenHarness,
  snapshotFrame,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestReceiver, type TestReceiver } from "./alerting/test-receiver.ts";

const PROMTOOL = "/usr/bin/promtool";

/** The value of one sample (`name{labels} value`) in a Prometheus text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(testDrivers().slice(0, 1))("metrics and health on $name", (driver) => {
  let h: Harness;
  let receiver: TestReceiver;
  beforeAll(async () => {
    receiver = await startTestReceiver([500, 200]);
    h = await createHarness(driver, {
      env: {
        KDUMPWATCH_ALERT_WEBHOOKS: receiver.url,
        KDUMPWATCH_ALERT_HOLD: "0",
        KDUMPWATCH_ALERT_GROUP_WAIT: "0",
      },
    });
  });
  afterAll(async () => {
    await h?.kdw.alerting.close();
    await h?.dispose();
    await receiver?.close();
  });

  test("after real agent traffic /metrics passes `promtool check metrics` with no warning and has every series", async () => {
    const net = await listenHarness(h);
    try {
      const agent = await TestAgent.connect(net.wsUrl);
      agent.send(hello({ machineId: "m-metrics", hostname: "metrics-1" }));
      await agent.next("welcome");
      agent.send(snapshotFrame("verdict=not_ready failing=crashkernel.reserved", 1));
      await agent.next("ack", (m) => m.seq === 1);
      agent.send(snapshotFrame("verdict=ready", 2));
      await agent.next("ack", (m) => m.seq === 2);
      agent.send({ v: 1, type: "snapshot", seq: 3, hash: "x", snapshot: { sources: "not a record" } });
      await agent.next("error", (m) => m.code === "bad_frame");
      const early = await TestAgent.connect(net.wsUrl);
      early.send(snapshotFrame("verdict=ready", 1));
      await early.closed;
      const big = await TestAgent.connect(net.wsUrl);
      big.send(hello({ machineId: "m-big", hostname: "big-1" }));
      await big.next("welcome");
      big.send("x".repeat(MAX_FRAME_BYTES + 10));
      expect((await big.closed).code).toBe(1009);
      agent.close();
      await agent.closed;
    } finally {
      await net.close();
    }
    // a notification: the receiver refuses once (500), then accepts the retry
    await h.kdw.alerting.runOnce();
    // the first retry comes within 1 s (full jitter); well inside the stale threshold
    h.clock.advance(2);
    await h.kdw.alerting.runOnce();
    expect(
      receiver.requests.map((r) => r.answer),
      "the firing refused once, then it and the resolve",
    ).toEqual([500, 200, 200]);

    const res = await h.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const promtool = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${promtool.stdout}${promtool.stderr}`, "promtool says nothing").toBe("");
    expect(promtool.status, "promtool exit status").toBe(0);

    expect(text).toMatch(/^kdumpwatch_build_info\{version="[^"]+",revision="[^"]+",nodejs="v\d+[^"]*"\} 1$/m);
    expect(sample(text, 'kdumpwatch_hosts{verdict="ready"}')).toBe(1);
    expect(sample(text, 'kdumpwatch_hosts{verdict="unknown"}'), "enrolled, never reported").toBe(1);
    expect(sample(text, 'kdumpwatch_host_checks{check="crashkernel.reserved",status="pass"}')).toBe(1);
    expect(sample(text, 'kdumpwatch_host_checks{check="kdump.loaded",status="pass"}')).toBe(1);
    expect(sample(text, "kdumpwatch_agents_connected")).toBe(0);
    expect(sample(text, "kdumpwatch_snapshots_ingested_total")).toBe(2);
    expect(sample(text, 'kdumpwatch_snapshots_rejected_total{reason="malformed"}')).toBe(1);
    expect(sample(text, 'kdumpwatch_snapshots_rejected_total{reason="before_hello"}')).toBe(1);
    expect(sample(text, 'kdumpwatch_snapshots_rejected_total{reason="too_big"}')).toBe(1);
    expect(
      sample(text, "kdumpwatch_judge_duration_seconds_count"),
      "every ingested snapshot was judged",
    ).toBe(2);
    const receiverLabel = `receiver="webhook http://127.0.0.1:${new URL(receiver.url).port}"`;
    expect(sample(text, `kdumpwatch_alert_notifications_sent_total{${receiverLabel}}`)).toBe(2);
    expect(sample(text, `kdumpwatch_alert_notifications_failed_total{${receiverLabel}}`)).toBe(1);
    expect(sample(text, `kdumpwatch_alert_notifications_retried_total{${receiverLabel}}`)).toBe(1);
    expect(
      sample(text, `kdumpwatch_alert_outbox_pending{${receiverLabel}}`),
      "the firing and the resolve were accepted",
    ).toBe(0);
    expect(text).toContain("# TYPE kdumpwatch_database_errors_total counter");
    const names = [...text.matchAll(/^([a-z_]+)(?:\{|\s)/gm)].map((m) => m[1]);
    expect(
      names.filter((n) => !n?.startsWith("kdumpwatch_")),
      "every metric is prefixed",
    ).toEqual([]);
  });

  test("a waiting notification shows in the outbox depth and age; a database failure is counted", async () => {
    const auth = await h.kdw.services.agents.authenticate(
      hello({ machineId: "m-out", hostname: "out-1" }),
      null,
    );
    if (!auth.ok) throw new Error(auth.message);
    await h.kdw.services.agents.ingest(auth.hostId, snapshotFrame("verdict=not_ready failing=kdump.loaded"));
    h.clock.advance(90);
    const text = await (await h.request("/metrics")).text();
    const port = new URL(receiver.url).port;
    expect(sample(text, `kdumpwatch_alert_outbox_pending{receiver="webhook http://127.0.0.1:${port}"}`)).toBe(
      1,
    );
    expect(
      sample(text, `kdumpwatch_alert_outbox_oldest_age_seconds{receiver="webhook http://127.0.0.1:${port}"}`),
    ).toBe(90);

    await h.db.db.execute(sql`alter table hosts rename to hosts_away`);
    try {
      const failed = await h.request("/api/hosts");
      expect(failed.status).toBe(500);
      expect(ApiErrorSchema.parse(await failed.json()).error.code).toBe("internal");
    } finally {
      await h.db.db.execute(sql`alter table hosts_away rename to hosts`);
    }
    const after = await (await h.request("/metrics")).text();
    expect(sample(after, 'kdumpwatch_database_errors_total{source="http"}')).toBe(1);
  });

  test("a metrics:read API token scrapes /metrics and opens nothing else; revoked, it opens nothing", async () => {
    const created = await h.kdw.services.apiTokens.create({ scopes: ["metrics:read"], label: "prometheus" });
    expect(created.secret).toMatch(/^kdwr_/);
    const bearer = { authorization: `Bearer ${created.secret}` };
    expect((await h.request("/metrics", { auth: false, headers: bearer })).status).toBe(200);
    for (const path of ["/api/hosts", "/api/fleet/summary", "/api/tokens"]) {
      const res = await h.request(path, { auth: false, headers: bearer });
      expect(res.status, path).toBe(401);
    }
    const listed = await h.kdw.services.apiTokens.list();
    expect(listed.tokens[0]?.lastUsedAt, "its use is noted").not.toBeNull();
    await h.kdw.services.apiTokens.revoke(created.token.id);
    expect((await h.request("/metrics", { auth: false, headers: bearer })).status).toBe(401);
  });

  test("/metrics needs a credential", async () => {
    expect((await h.request("/metrics", { auth: false })).status).toBe(401);
  });

  test("/healthz and /readyz answer without authentication; /readyz turns 503 when shutting down", async () => {
    expect(await (await h.request("/healthz", { auth: false })).json()).toEqual({ status: "ok" });
    expect(await (await h.request("/readyz", { auth: false })).json()).toEqual({ status: "ready" });
    h.kdw.setReady(false);
    const res = await h.request("/readyz", { auth: false });
    expect(res.status).toBe(503);
    h.kdw.setReady(true);
  });

  test("an unknown API path is a JSON 404 and a plain GET of the agent socket path asks for an upgrade", async () => {
    const res = await h.request("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("not_found");
    expect((await h.request("/api/agent/ws", { auth: false })).status).toBe(426);
  });
});
