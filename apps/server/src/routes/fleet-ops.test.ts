import {
  AlertListSchema,
  ApiErrorSchema,
  BulkSilenceResultSchema,
  type ChangeFeed,
  ChangeFeedSchema,
  FixGroupsSchema,
  FixScriptSchema,
  HostFacetsSchema,
  HostListSchema,
  HostsAtSchema,
  SilenceListSchema,
} from "@kdumpwatch/protocol";
import {
  createHarness,
  fakeJudge,
  type Harness,
  hello,
  snapshotFrame,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { JudgeFn } from "../services/ingest.ts";

const T0 = Date.parse("2026-11-26T10:00:00.000Z");
const HOUR = 3600;

/** fakeJudge, plus the distro family from `family=` (what core reads from os-release). */
const judge: JudgeFn = (snapshot, now) => {
  const result = fakeJudge(snapshot, now);
  const text = snapshot.sources.cmdline?.ok ? snapshot.sources.cmdline.text : "";
  const family = /family=(\w+)/.exec(text)?.[1];
  if (family === "debian" || family === "el" || family === "suse") result.facts.identity.os.family = family;
  return result;
};

describe.each(testDrivers())("change feed, facets, fix groups and bulk silences on $name", (driver) => {
  let h: Harness;
  const ids = new Map<string, string>();
  const seq = new Map<string, number>();

  async function report(name: string, offset: number, spec: string) {
    h.clock.set(new Date(T0 + offset * 1000));
    let id = ids.get(name);
    if (id === undefined) {
      const auth = await h.kdw.services.agents.authenticate(
        hello({ hostname: name, machineId: `m-${name}` }),
        null,
      );
      if (!auth.ok) throw new Error(auth.message);
      id = auth.hostId;
      ids.set(name, id);
    }
    const n = (seq.get(name) ?? 0) + 1;
    seq.set(name, n);
    await h.kdw.services.agents.ingest(id, snapshotFrame(spec, n));
  }

  async function get<T>(path: string, schema: { parse(v: unknown): T }): Promise<T> {
    const res = await h.request(path);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return schema.parse(await res.json());
  }

  beforeAll(async () => {
    h = await createHarness(driver, { judge, env: { KDUMPWATCH_ALERT_HOLD: "0" } });
    const tools =
      "verdict=not_ready failing=kdump.tools-installed,crashkernel.param,crashkernel.reserved,kdump.loaded";
    await report("deb-1", 0, `${tools} family=debian`);
    await report("deb-2", 10, `${tools} family=debian`);
    await report("rh-1", 20, `${tools} family=el`);
    await report("lock-1", 30, "verdict=not_ready failing=kexec.lockdown,kdump.loaded family=debian");
    await report("ok-1", 40, "verdict=ready family=debian");
    await report("nonroot-1", 50, "verdict=at_risk failing=collection.complete family=debian");
    // one hour later: ok-1 loses its capture kernel, deb-2 is fixed, lock-1 only changes its failing set
    await report("ok-1", HOUR, "verdict=not_ready failing=kdump.loaded family=debian");
    await report("deb-2", HOUR + 10, "verdict=ready family=debian");
    await report(
      "lock-1",
      HOUR + 20,
      "verdict=not_ready failing=kexec.lockdown,kdump.loaded,panic.on-oops family=debian",
    );
    // a hostname a shell would run
    await report("evil;touch x", HOUR + 30, `${tools} family=debian`);
    h.clock.set(new Date(T0 + 2 * HOUR * 1000));
  });
  afterAll(async () => h?.dispose());

  test("the change feed lists verdict moves newest first, with what started and stopped failing", async () => {
    const feed = await get("/api/changes", ChangeFeedSchema);
    const moves = feed.changes.map((c) => [c.hostname, c.from, c.to]);
    expect(moves.slice(0, 3)).toEqual([
      ["evil;touch x", null, "not_ready"],
      ["deb-2", "not_ready", "ready"],
      ["ok-1", "ready", "not_ready"],
    ]);
    expect(
      moves.some(([name]) => name === "lock-1" && moves.filter(([n]) => n === "lock-1").length > 1),
      "a failing-set change is not a verdict move",
    ).toBe(false);
    const okDown = feed.changes.find((c) => c.hostname === "ok-1" && c.from === "ready");
    expect(okDown).toMatchObject({ added: ["kdump.loaded"], removed: [] });
    const fixed = feed.changes.find((c) => c.hostname === "deb-2" && c.to === "ready");
    expect(fixed?.removed).toContain("kdump.tools-installed");
    expect(feed).toMatchObject({ total: 9, worse: 1, better: 1, first: 7 });

    const all = await get("/api/changes?kind=all", ChangeFeedSchema);
    expect(all.changes.find((c) => c.hostname === "lock-1")).toMatchObject({
      added: ["panic.on-oops"],
      from: "not_ready",
    });

    // the last hour, moves to not_ready only, walked two at a time
    const since = new Date(T0 + HOUR * 1000 - 60_000).toISOString();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ChangeFeed = await get(
        `/api/changes?since=${since}&to=not_ready&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        ChangeFeedSchema,
      );
      expect(page.total).toBe(2);
      seen.push(...page.changes.map((c) => c.hostname));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["evil;touch x", "ok-1"]);
  });

  test("the hosts behind a point of the chart: those in a verdict at that moment, with what failed then", async () => {
    const before = await get(
      `/api/fleet/at?at=${new Date(T0 + 30 * 60_000).toISOString()}&verdict=not_ready`,
      HostsAtSchema,
    );
    expect(before.hosts.map((x) => [x.hostname, x.now])).toEqual([
      ["deb-1", "not_ready"],
      ["deb-2", "ready"],
      ["lock-1", "not_ready"],
      ["rh-1", "not_ready"],
    ]);
    expect(before.total).toBe(4);
    const ready = await get(
      `/api/fleet/at?at=${new Date(T0 + 30 * 60_000).toISOString()}&verdict=ready&limit=1`,
      HostsAtSchema,
    );
    expect(ready.hosts.map((x) => x.hostname)).toEqual(["ok-1"]);
    expect(ready.hosts[0]?.now).toBe("not_ready");
  });

  test("facets count the hosts a filter matches and what they fail; root causes leave out what another failure explains", async () => {
    const f = await get("/api/hosts/facets?verdict=not_ready", HostFacetsSchema);
    const list = await get("/api/hosts?verdict=not_ready&limit=500", HostListSchema);
    expect(f.total).toBe(list.hosts.length);
    expect(f.verdicts.not_ready).toBe(f.total);
    const loaded = f.failingChecks.find((c) => c.check === "kdump.loaded")?.hosts;
    expect(loaded).toBe(list.hosts.filter((x) => x.failing.includes("kdump.loaded")).length);
    expect(f.rootCauses.find((c) => c.check === "kdump.loaded")?.hosts, "only ok-1's is unexplained").toBe(1);
    expect(f.rootCauses.find((c) => c.check === "kdump.tools-installed")?.hosts).toBe(3);

    const changed = await get("/api/hosts/facets?changed=90m", HostFacetsSchema);
    const changedList = await get("/api/hosts?changed=90m&limit=500", HostListSchema);
    expect(changedList.hosts.map((x) => x.hostname).sort()).toEqual(["deb-2", "evil;touch x", "ok-1"]);
    expect(changed.total).toBe(3);
  });

  test("fix groups gather hosts by root cause and distro family; the script quotes every hostname and leaves unsafe ones out", async () => {
    const { groups } = await get("/api/fixes", FixGroupsSchema);
    const g = (check: string, family: string) => groups.find((x) => x.check === check && x.family === family);
    expect(g("kdump.tools-installed", "debian")).toMatchObject({ hosts: 2, scripted: true, reboot: true });
    expect(g("kdump.tools-installed", "el")).toMatchObject({ hosts: 1, scripted: true });
    expect(g("kexec.lockdown", "debian")).toMatchObject({ hosts: 1, scripted: false });
    expect(g("collection.complete", "debian")?.hosts).toBe(1);
    expect(
      groups.some((x) => x.check === "crashkernel.param"),
      "explained by the missing tools",
    ).toBe(false);
    expect(groups[0]?.check, "critical causes first").toBe("kdump.tools-installed");

    const sh = await get("/api/fixes/script?check=kdump.tools-installed&family=debian", FixScriptSchema);
    expect(sh.hosts.map((x) => x.hostname)).toEqual(["deb-1", "evil;touch x"]);
    expect(sh.excluded.map((x) => x.hostname)).toEqual(["evil;touch x"]);
    expect(sh.script).toContain("  'deb-1'");
    expect(sh.script).not.toContain("evil");
    expect(sh.script).toContain("apt-get install -y kdump-tools");
    const play = await get(
      "/api/fixes/script?check=kdump.tools-installed&family=debian&format=ansible",
      FixScriptSchema,
    );
    expect(play.script).toContain('    - "deb-1"');
    const manual = await get("/api/fixes/script?check=kexec.lockdown&family=debian", FixScriptSchema);
    expect(manual.script).toBeNull();
    expect(manual.steps, "the check's own steps").toEqual(["fix kexec.lockdown"]);
  });

  test("a bulk silence silences every host of a fix group, each with a silence of its own", async () => {
    const res = await h.request("/api/silences/bulk", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        group: { check: "kdump.tools-installed", family: "debian" },
        reason: "reimaging tonight",
        duration: "8h",
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(BulkSilenceResultSchema.parse(await res.json()).created).toBe(2);
    const { silences } = await get("/api/silences", SilenceListSchema);
    expect(silences.map((s) => s.matchers.hostId).sort()).toEqual(
      [ids.get("deb-1"), ids.get("evil;touch x")].sort(),
    );
    const { alerts } = await get("/api/alerts", AlertListSchema);
    for (const a of alerts.filter((x) => x.state !== "resolved")) {
      const silenced = a.hostname === "deb-1" || a.hostname === "evil;touch x";
      expect(a.silencedBy.length > 0, `${a.hostname} ${a.check}`).toBe(silenced);
    }

    const byIds = await h.request("/api/silences/bulk", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        hostIds: [ids.get("rh-1"), "nope"],
        check: "kdump.loaded",
        reason: "x",
        duration: "1h",
      }),
    });
    expect(BulkSilenceResultSchema.parse(await byIds.json())).toMatchObject({
      created: 1,
      unknownHostIds: ["nope"],
    });
    const neither = await h.request("/api/silences/bulk", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "x", duration: "1h" }),
    });
    expect(neither.status).toBe(400);
    expect(ApiErrorSchema.parse(await neither.json()).error.code).toBe("bad_request");
  });
});
