import { AlertListSchema, ApiErrorSchema, SilenceListSchema, SilenceSchema } from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

describe.each(testDrivers())("alert and silence routes on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver, { env: { KDUMPWATCH_ALERT_HOLD: "0" } });
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => h.reset());

  async function enroll(hostname: string, machineId = `m-${hostname}`): Promise<string> {
    const auth = await h.kdw.services.agents.authenticate(hello({ hostname, machineId }), null);
    if (!auth.ok) throw new Error(auth.message);
    return auth.hostId;
  }

  const json = (body: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

  test("ingest of a failing critical check shows a firing alert; the fix resolves it within the window", async () => {
    const id = await enroll("web-1");
    await h.kdw.services.agents.ingest(
      id,
      snapshotFrame("verdict=not_ready failing=crashkernel.reserved", 1),
    );
    let res = await h.request("/api/alerts");
    expect(res.status, await res.clone().text()).toBe(200);
    let list = AlertListSchema.parse(await res.json());
    expect(list.alerts.map((a) => [a.hostname, a.alertname, a.check, a.state, a.severity])).toEqual([
      ["web-1", "KdumpCheckFailing", "crashkernel.reserved", "firing", "critical"],
    ]);
    expect(list.alerts[0]).toMatchObject({
      summary: "crashkernel.reserved fails",
      remediation: "fix crashkernel.reserved",
    });

    h.clock.advance(60);
    await h.kdw.services.agents.ingest(id, snapshotFrame("verdict=ready", 2));
    list = AlertListSchema.parse(await (await h.request("/api/alerts")).json());
    expect(list.alerts.map((a) => a.state)).toEqual(["resolved"]);
    expect(list.alerts[0]?.resolvedAt).toBe(h.clock.now().toISOString());

    h.clock.advance(2 * 3600);
    res = await h.request("/api/alerts?resolvedWithin=1h");
    expect(AlertListSchema.parse(await res.json()).alerts, "resolved 2 h ago, outside 1 h").toEqual([]);
    res = await h.request(`/api/alerts?resolvedWithin=3h&hostId=${id}`);
    expect(AlertListSchema.parse(await res.json()).alerts).toHaveLength(1);
  });

  test("a silence is created, matches the alert, is listed, and ends on DELETE", async () => {
    const id = await enroll("db-1");
    const res = await h.request(
      "/api/silences",
      json({ matchers: { hostId: id }, reason: "kernel rollout", createdBy: "ops", duration: "2h" }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const silence = SilenceSchema.parse(await res.json());
    expect(silence).toMatchObject({
      reason: "kernel rollout",
      createdBy: "ops",
      active: true,
      matchers: { hostId: id },
    });
    expect(Date.parse(silence.expiresAt) - h.clock.now().getTime()).toBe(2 * 3600_000);

    await h.kdw.services.agents.ingest(id, snapshotFrame("verdict=not_ready failing=kdump.loaded", 1));
    const alerts = AlertListSchema.parse(await (await h.request("/api/alerts")).json()).alerts;
    expect(alerts[0]?.silencedBy).toEqual([silence.id]);

    const listed = SilenceListSchema.parse(await (await h.request("/api/silences")).json());
    expect(listed.silences.map((s) => s.id)).toEqual([silence.id]);

    const ended = await h.request(`/api/silences/${silence.id}`, { method: "DELETE" });
    expect(ended.status).toBe(200);
    expect(SilenceSchema.parse(await ended.json()).active).toBe(false);
    expect(SilenceListSchema.parse(await (await h.request("/api/silences")).json()).silences).toEqual([]);
    const all = SilenceListSchema.parse(await (await h.request("/api/silences?expired=true")).json());
    expect(all.silences.map((s) => [s.id, s.active])).toEqual([[silence.id, false]]);
  });

  test.each([
    ["no matcher", { matchers: {}, reason: "x", duration: "1h" }],
    ["no reason", { matchers: { check: "kdump.loaded" }, reason: " ", duration: "1h" }],
    ["neither end nor duration", { matchers: { check: "kdump.loaded" }, reason: "x" }],
    [
      "both end and duration",
      { matchers: { check: "kdump.loaded" }, reason: "x", duration: "1h", expiresAt: "2030-01-01T00:00:00Z" },
    ],
    [
      "an end in the past",
      { matchers: { check: "kdump.loaded" }, reason: "x", expiresAt: "2020-01-01T00:00:00Z" },
    ],
    ["a bad label name", { matchers: { labels: { "Bad-Name": "x" } }, reason: "x", duration: "1h" }],
  ])("a silence with %s is refused with 400", async (_name, body) => {
    const res = await h.request("/api/silences", json(body));
    expect(res.status, await res.clone().text()).toBe(400);
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("bad_request");
  });

  test("unknown silences are 404, bad windows 400, and everything needs the admin token", async () => {
    const missing = await h.request("/api/silences/nope", { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect((await h.request("/api/alerts?resolvedWithin=forever")).status).toBe(400);
    expect((await h.request("/api/alerts", { auth: false })).status).toBe(401);
    expect((await h.request("/api/silences", { auth: false })).status).toBe(401);
  });
});
