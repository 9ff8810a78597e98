import {
  AlertListSchema,
  ApiErrorSchema,
  ChangeFeedSchema,
  DecommissionResultSchema,
  DuplicateResolvedSchema,
  FixGroupsSchema,
  FleetSummarySchema,
  HostDetailSchema,
  HostExportSchema,
  HostFacetsSchema,
  HostListSchema,
  HostSummarySchema,
} from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { AppError } from "../errors.ts";

const FAILING = "verdict=not_ready failing=crashkernel.reserved os=Ubuntu_24.04 kernel=6.8";

describe.each(testDrivers())("host lifecycle routes on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver, { env: { KDUMPWATCH_ALERT_HOLD: "0", KDUMPWATCH_STALE_AFTER: "60" } });
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => h.reset());

  let seq = 0;
  async function enroll(hostname: string, options: { machineId?: string; key?: string } = {}) {
    const auth = await h.kdw.services.agents.authenticate(
      hello({
        hostname,
        machineId: options.machineId ?? `m-${hostname}`,
        auth: {
          kind: "enroll",
          token: "test-fleet-enroll-token",
          ...(options.key === undefined ? {} : { key: options.key }),
        },
      }),
      null,
    );
    if (!auth.ok || !auth.credential) throw new Error(auth.ok ? "no credential" : auth.message);
    return auth.credential;
  }
  const report = (hostId: string, spec: string) =>
    h.kdw.services.agents.ingest(hostId, snapshotFrame(spec, ++seq, { hostname: `${spec}/${seq}` }));
  const post = (path: string, body?: unknown) =>
    h.request(path, {
      method: "POST",
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
  async function get<T>(path: string, schema: { parse(v: unknown): T }): Promise<T> {
    const res = await h.request(path);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return schema.parse(await res.json());
  }
  const sample = (metrics: string, series: string) =>
    Number(
      metrics
        .split("\n")
        .find((l) => l.startsWith(`${series} `))
        ?.split(" ")[1] ?? Number.NaN,
    );

  test("a decommissioned host's alert resolves, and it leaves every list, count, feed, export and metric", async () => {
    const keep = await enroll("keep-1");
    const gone = await enroll("gone-1");
    await report(keep.hostId, FAILING);
    await report(gone.hostId, FAILING);
    let alerts = await get("/api/alerts", AlertListSchema);
    expect(alerts.alerts.map((a) => [a.hostname, a.state]).sort()).toEqual([
      ["gone-1", "firing"],
      ["keep-1", "firing"],
    ]);

    const res = await post(`/api/hosts/${gone.hostId}/decommission`);
    expect(res.status, await res.clone().text()).toBe(200);
    const summary = HostSummarySchema.parse(await res.json());
    expect(summary.decommissionedAt).toBe(h.clock.now().toISOString());

    const own = await get(`/api/alerts?hostId=${gone.hostId}`, AlertListSchema);
    expect(
      own.alerts.map((a) => a.state),
      "its alert resolved at once, no hold",
    ).toEqual(["resolved"]);
    alerts = await get("/api/alerts", AlertListSchema);
    expect(
      alerts.alerts.map((a) => a.hostname),
      "the fleet's alert list",
    ).toEqual(["keep-1"]);

    const list = await get("/api/hosts", HostListSchema);
    expect(
      list.hosts.map((x) => x.hostname),
      "host list",
    ).toEqual(["keep-1"]);
    const retired = await get("/api/hosts?decommissioned=true", HostListSchema);
    expect(
      retired.hosts.map((x) => x.hostname),
      "asked for",
    ).toEqual(["gone-1"]);
    const fleet = await get("/api/fleet/summary", FleetSummarySchema);
    expect([fleet.total, fleet.verdicts.not_ready, fleet.failingChecks], "summary").toEqual([
      1,
      1,
      [{ check: "crashkernel.reserved", hosts: 1 }],
    ]);
    const facets = await get("/api/hosts/facets", HostFacetsSchema);
    expect(facets.total, "facets").toBe(1);
    const changes = await get("/api/changes", ChangeFeedSchema);
    expect(
      changes.changes.map((c) => c.hostname),
      "change feed",
    ).toEqual(["keep-1"]);
    const fixes = await get("/api/fixes", FixGroupsSchema);
    expect(
      fixes.groups.reduce((n, g) => n + g.hosts, 0),
      "fix groups",
    ).toBe(1);
    const exported = await get("/api/hosts.json", HostExportSchema);
    expect(
      exported.map((r) => r.hostname),
      "JSON export",
    ).toEqual(["keep-1"]);
    const csv = await (await h.request("/api/hosts.csv")).text();
    expect(csv, "CSV export").not.toContain("gone-1");
    const metrics = await (await h.request("/metrics")).text();
    expect(sample(metrics, 'kdumpwatch_hosts{verdict="not_ready"}'), "kdumpwatch_hosts").toBe(1);
    expect(
      sample(metrics, 'kdumpwatch_host_checks{check="crashkernel.reserved",status="fail"}'),
      "host check series",
    ).toBe(1);

    // its history stays, on its own page
    const detail = await get(`/api/hosts/${gone.hostId}`, HostDetailSchema);
    expect(detail.host.decommissionedAt).not.toBeNull();
    expect(detail.checks.length).toBeGreaterThan(0);

    // it never alerts again: not stale-swept, no stale alert, no ingest
    h.clock.advance(3600);
    await h.kdw.alerting.runOnce();
    const after = await get(`/api/alerts?hostId=${gone.hostId}`, AlertListSchema);
    expect(
      after.alerts.map((a) => [a.alertname, a.state]),
      "no stale alert",
    ).toEqual([["KdumpCheckFailing", "resolved"]]);
    const stale = await get("/api/alerts", AlertListSchema);
    expect(stale.alerts.filter((a) => a.alertname === "KdumpHostStale").map((a) => a.hostname)).toEqual([
      "keep-1",
    ]);
    await expect(report(gone.hostId, FAILING)).rejects.toThrow(AppError);
    await expect(h.kdw.services.agents.heartbeat(gone.hostId)).rejects.toMatchObject({ code: "conflict" });
  });

  test("bulk decommission takes ids, reports the unknown and the already decommissioned", async () => {
    const a = await enroll("bulk-a");
    const b = await enroll("bulk-b");
    await enroll("bulk-c");
    await post(`/api/hosts/${a.hostId}/decommission`);
    const res = await post("/api/hosts/decommission", { ids: [a.hostId, b.hostId, "nope"] });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(DecommissionResultSchema.parse(await res.json())).toEqual({
      decommissioned: [b.hostId],
      alreadyDecommissioned: [a.hostId],
      unknownHostIds: ["nope"],
    });
    const list = await get("/api/hosts", HostListSchema);
    expect(list.hosts.map((x) => x.hostname)).toEqual(["bulk-c"]);
    const bad = await post("/api/hosts/decommission", {});
    expect(bad.status).toBe(400);
    ApiErrorSchema.parse(await bad.json());
    expect((await post("/api/hosts/nope/decommission")).status).toBe(404);
  });

  test("merge: the suspected duplicate's agent takes over the original record and its history", async () => {
    const original = await enroll("db-1", { machineId: "m-db", key: "old-key" });
    await report(original.hostId, "verdict=ready os=Ubuntu_22.04");
    const dup = await enroll("db-1", { machineId: "m-db", key: "new-key" });
    expect(dup.hostId).not.toBe(original.hostId);
    await report(dup.hostId, FAILING);
    const fleet = await get("/api/fleet/summary", FleetSummarySchema);
    expect(fleet.duplicates, "a suspected duplicate before the decision").toBe(1);

    const res = await post(`/api/hosts/${dup.hostId}/duplicate`, { action: "merge" });
    expect(res.status, await res.clone().text()).toBe(200);
    const merged = DuplicateResolvedSchema.parse(await res.json());
    expect(merged.host).toMatchObject({ id: original.hostId, verdict: "not_ready", os: "Ubuntu 24.04" });
    const list = await get("/api/hosts", HostListSchema);
    expect(
      list.hosts.map((x) => x.id),
      "one host left",
    ).toEqual([original.hostId]);
    const history = await h.kdw.services.hosts.history(original.hostId, 10);
    expect(history.snapshots.length, "both records' snapshots").toBe(2);

    const agents = h.kdw.services.agents;
    const moved = await agents.authenticate(
      hello({ machineId: "m-db", hostname: "db-1", auth: { kind: "credential", ...dup } }),
      null,
    );
    expect(moved, "the duplicate's agent learns its new host id").toEqual({
      ok: true,
      hostId: original.hostId,
      credential: { hostId: original.hostId, secret: dup.secret },
      duplicateOf: null,
    });
    const old = await agents.authenticate(
      hello({ machineId: "m-db", hostname: "db-1", auth: { kind: "credential", ...original } }),
      null,
    );
    expect(old.ok, "the original's old credential is revoked").toBe(false);
    const rekeyed = await agents.authenticate(
      hello({
        machineId: "m-db",
        hostname: "db-1",
        auth: { kind: "enroll", token: "test-fleet-enroll-token", key: "new-key" },
      }),
      null,
    );
    expect(rekeyed, "the merged agent's enroll key now proves the original record").toMatchObject({
      ok: true,
      hostId: original.hostId,
    });
    const again = await post(`/api/hosts/${dup.hostId}/duplicate`, { action: "merge" });
    expect(again.status, "a resolved duplicate cannot be merged twice").toBe(409);
  });

  test("reject: the suspected duplicate is decommissioned and its agent refused; a host that is no duplicate cannot be merged", async () => {
    const original = await enroll("web-1", { machineId: "m-web" });
    const dup = await enroll("web-1", { machineId: "m-web" });
    const res = await post(`/api/hosts/${dup.hostId}/duplicate`, { action: "reject" });
    expect(res.status, await res.clone().text()).toBe(200);
    const rejected = DuplicateResolvedSchema.parse(await res.json());
    expect(rejected.host.id).toBe(dup.hostId);
    expect(rejected.host.decommissionedAt).not.toBeNull();
    const refused = await h.kdw.services.agents.authenticate(
      hello({ machineId: "m-web", hostname: "web-1", auth: { kind: "credential", ...dup } }),
      null,
    );
    expect(refused).toMatchObject({ ok: false, code: "decommissioned" });
    const fleet = await get("/api/fleet/summary", FleetSummarySchema);
    expect([fleet.total, fleet.duplicates]).toEqual([1, 0]);
    const notDup = await post(`/api/hosts/${original.hostId}/duplicate`, { action: "merge" });
    expect(notDup.status).toBe(409);
    expect(ApiErrorSchema.parse(await notDup.json()).error.message).toContain("not a suspected duplicate");
    expect((await post(`/api/hosts/${dup.hostId}/duplicate`, { action: "maybe" })).status).toBe(400);
  });
});
