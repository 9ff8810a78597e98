import { alerts, eq, inArray } from "@kdumpwatch/db";
import {
  type Alert,
  AlertListSchema,
  AlertOverviewSchema,
  type AlertPage,
  AlertPageSchema,
  ApiErrorSchema,
} from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/** Failing sets of real hosts (test/captures) and what their alerts group under. */
const KINDS = [
  {
    failing: "kdump.tools-installed,crashkernel.param,crashkernel.reserved,kdump.loaded,panic.on-oops",
    cause: "kdump.tools-installed",
  },
  {
    failing: "crashkernel.param,crashkernel.reserved,kdump.loaded,kdump.service-state",
    cause: "crashkernel.param",
  },
  { failing: "kdump.loaded,kexec.lockdown,kdump.service-state", cause: "kexec.lockdown" },
  { failing: "kexec.load-disabled,kdump.loaded", cause: "kexec.load-disabled" },
  // two independent causes on one host: one group for the pair
  { failing: "kdump.enabled,kexec.lockdown,kdump.loaded", cause: "kdump.enabled+kexec.lockdown" },
] as const;

describe.each(testDrivers())("alert counts, groups and pages on $name", (driver) => {
  let h: Harness;
  let list: Alert[];
  const ids: string[] = [];

  async function get<T>(path: string, schema: { parse(v: unknown): T }): Promise<T> {
    const res = await h.request(path);
    expect(res.status, await res.clone().text()).toBe(200);
    return schema.parse(await res.json());
  }

  async function allPages(query: string, limit: number): Promise<{ ids: number[]; pages: AlertPage[] }> {
    const pages: AlertPage[] = [];
    let cursor: string | null = null;
    do {
      const page: AlertPage = await get(
        `/api/alerts/page?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
        AlertPageSchema,
      );
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 100);
    return { ids: pages.flatMap((p) => p.alerts.map((a) => a.id)), pages };
  }

  beforeAll(async () => {
    h = await createHarness(driver, { env: { KDUMPWATCH_ALERT_HOLD: "0" } });
    for (let i = 0; i < 30; i++) {
      const kind = KINDS[i % KINDS.length] as (typeof KINDS)[number];
      const auth = await h.kdw.services.agents.authenticate(
        hello({ hostname: `host-${String(i).padStart(2, "0")}`, machineId: `m-${i}` }),
        null,
      );
      if (!auth.ok) throw new Error(auth.message);
      ids.push(auth.hostId);
      h.clock.advance(7);
      await h.kdw.services.agents.ingest(
        auth.hostId,
        snapshotFrame(`verdict=not_ready failing=${kind.failing}`, 1),
      );
    }
    // three hosts are fixed: their alerts resolve
    for (const id of ids.slice(0, 3)) {
      h.clock.advance(11);
      await h.kdw.services.agents.ingest(id, snapshotFrame("verdict=ready", 2));
    }
    // some open alerts are still in their hold time, or clearing (the engine's other phases)
    const open = await h.ctx.db
      .select({ id: alerts.id })
      .from(alerts)
      .where(eq(alerts.hostId, ids[5] as string));
    await h.ctx.db
      .update(alerts)
      .set({ state: "pending" })
      .where(inArray(alerts.id, open.map((a) => a.id).slice(0, 2)));
    const other = await h.ctx.db
      .select({ id: alerts.id })
      .from(alerts)
      .where(eq(alerts.hostId, ids[6] as string));
    await h.ctx.db
      .update(alerts)
      .set({ state: "clearing" })
      .where(eq(alerts.id, other[0]?.id ?? -1));
    // silences of every kind of matcher
    const silence = (matchers: unknown) =>
      h.request("/api/silences", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ matchers, reason: "test", duration: "2h" }),
      });
    for (const m of [
      { hostId: ids[7] },
      { hostId: ids[8], check: "kdump.loaded" },
      { check: "kexec.load-disabled" },
      { labels: { host: "host-10", severity: "critical" } },
      { labels: { alertname: "KdumpCheckFailing", check: "crashkernel.reserved", host_id: ids[11] } },
      { labels: { dump: "202601010000" } },
      { labels: { severity: "warning" } },
    ]) {
      expect((await silence(m)).status).toBe(201);
    }
    list = (await get("/api/alerts?limit=10000", AlertListSchema)).alerts;
    expect(list.length, "the fleet has alerts").toBeGreaterThan(60);
  });
  afterAll(async () => h?.dispose());

  test("the overview's counts are exactly those of GET /api/alerts, state by state", async () => {
    const o = await get("/api/alerts/overview", AlertOverviewSchema);
    const n = (f: (a: Alert) => boolean) => list.filter(f).length;
    expect(o.counts).toEqual({
      firing: n((a) => a.state === "firing"),
      pending: n((a) => a.state === "pending"),
      clearing: n((a) => a.state === "clearing"),
      resolved: n((a) => a.state === "resolved"),
      silenced: n((a) => a.state !== "resolved" && a.silencedBy.length > 0),
    });
    expect(o.counts.pending).toBe(2);
    expect(o.counts.clearing).toBe(1);
    expect(o.counts.silenced, "host, host+check, check and label silences all count").toBeGreaterThan(8);
  });

  test("groups by check count the API's alerts per check; groups by root cause put a host's alerts under what explains them", async () => {
    const o = await get("/api/alerts/overview", AlertOverviewSchema);
    const checks = [...new Set(list.map((a) => a.check))].sort();
    expect(o.byCheck.map((g) => g.key).sort()).toEqual(checks);
    for (const g of o.byCheck) {
      const of = list.filter((a) => a.check === g.key);
      expect(g.open + g.resolved, g.key).toBe(of.length);
      expect(g.firing, g.key).toBe(of.filter((a) => a.state === "firing").length);
      expect(g.hosts, g.key).toBe(new Set(of.map((a) => a.hostId)).size);
    }
    const open = (key: string) => o.byCause.find((g) => g.key === key)?.open ?? 0;
    // hosts 0, 5, … 25 lack the tools, 2, 7, … 27 are refused by lockdown; hosts 0 and 2 were fixed
    expect(open("kdump.tools-installed"), "4 critical alerts on each of 5 hosts").toBe(5 * 4);
    expect(open("kexec.lockdown"), "lockdown + kdump.loaded on each of 5 hosts").toBe(5 * 2);
    expect(o.byCause.find((g) => g.key === "kdump.enabled+kexec.lockdown")?.checks).toEqual([
      "kdump.enabled",
      "kexec.lockdown",
    ]);
    expect(
      o.byCause.some((g) => g.key === "kdump.loaded" && g.open > 0),
      "never the cause of an open alert while something explains it (resolved ones keep their check)",
    ).toBe(false);
    expect(o.byCause.reduce((s, g) => s + g.open + g.resolved, 0)).toBe(list.length);
  });

  test.each([
    ["all", (_a: Alert) => true],
    ["open", (a: Alert) => a.state !== "resolved"],
    ["firing", (a: Alert) => a.state === "firing"],
    ["pending", (a: Alert) => a.state === "pending" || a.state === "clearing"],
    ["silenced", (a: Alert) => a.state !== "resolved" && a.silencedBy.length > 0],
    ["resolved", (a: Alert) => a.state === "resolved"],
  ])(
    "pages of state=%s, walked with keyset cursors, list the API's alerts in its order, each once",
    async (state, keep) => {
      const { ids: paged, pages } = await allPages(`state=${state}`, 7);
      const expected = list.filter(keep);
      expect(paged).toEqual(expected.map((a) => a.id));
      expect(pages[0]?.total).toBe(expected.length);
      expect(pages.every((p) => p.alerts.length <= 7)).toBe(true);
    },
  );

  test("filters by check, root cause and hostname narrow the pages and the counts alike", async () => {
    const byCause = await allPages("state=all&cause=kexec.lockdown", 50);
    const lockdownHosts = new Set(byCause.pages[0]?.alerts.map((a) => a.hostname));
    expect(lockdownHosts.size).toBe(6);
    expect(byCause.pages[0]?.alerts.every((a) => a.cause === "kexec.lockdown")).toBe(true);

    const q = await allPages("state=all&q=HOST-1", 50);
    expect(q.ids).toEqual(list.filter((a) => a.hostname.startsWith("host-1")).map((a) => a.id));

    const check = await get("/api/alerts/overview?check=kdump.loaded", AlertOverviewSchema);
    expect(check.byCheck.map((g) => g.key)).toEqual(["kdump.loaded"]);
    const loaded = list.filter((a) => a.check === "kdump.loaded");
    expect(check.counts.firing).toBe(loaded.filter((a) => a.state === "firing").length);
  });

  test("a cursor that is not one of ours, or a bad state, is a 400 in the API's error shape", async () => {
    for (const path of [
      "/api/alerts/page?cursor=bm9wZQ",
      "/api/alerts/page?state=loud",
      "/api/alerts/overview?resolvedWithin=x",
    ]) {
      const res = await h.request(path);
      expect(res.status, path).toBe(400);
      expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("bad_request");
    }
    expect((await h.request("/api/alerts/page", { auth: false })).status).toBe(401);
  });
});
