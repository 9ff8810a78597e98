import { eq, hosts, sql } from "@kdumpwatch/db";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { foldFleetCounts, readFleetCounts } from "./fleet-counts.ts";
import { fleetSummary, scanFleetSummary } from "./summary.ts";

/** A small deterministic generator (the same fleet every run). */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe.each(testDrivers())("fleet summary read model on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => h.reset());

  const same = async (label: string) => {
    const { generatedAt: _a, ...fromModel } = await fleetSummary(h.ctx);
    const { generatedAt: _b, ...fromScan } = await scanFleetSummary(h.ctx);
    expect(fromModel, label).toEqual(fromScan);
    return fromModel;
  };

  test("after hosts are added, changed, marked duplicate and removed, the read model says what a scan says", async () => {
    const random = seeded(13);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
    const verdicts = ["ready", "at_risk", "not_ready", "unknown"] as const;
    const oses = ["Debian 12", "Rocky 9.4", "Ubuntu 24.04", null] as const;
    const kernels = ["6.1.0", "5.14.0", "6.8.0", null] as const;
    const checks = ["kdump.loaded", "crashkernel.reserved", "dump-target.capacity", "panic.on-oops"] as const;
    const failingOf = () => checks.filter(() => random() < 0.3);
    for (let i = 0; i < 60; i++) {
      await h.seedHost({
        id: `h${i}`,
        verdict: pick(verdicts),
        os: pick(oses),
        kernel: pick(kernels),
        failing: failingOf(),
      });
    }
    const first = await same("seeded");
    expect(first.total).toBe(60);
    for (let i = 0; i < 40; i++) {
      const id = `h${Math.floor(random() * 60)}`;
      await h.db.db
        .update(hosts)
        .set({ verdict: pick(verdicts), os: pick(oses), failing: failingOf() })
        .where(eq(hosts.id, id));
    }
    await h.db.db.update(hosts).set({ duplicateOf: "h0" }).where(eq(hosts.id, "h1"));
    for (let i = 50; i < 60; i++) await h.db.db.delete(hosts).where(eq(hosts.id, `h${i}`));
    const before = await same("changed, before the fold");
    await foldFleetCounts(h.ctx);
    const after = await same("after the fold");
    expect(after).toEqual(before);
    expect(after.total).toBe(50);
    expect(after.duplicates).toBe(1);
  });

  test("heartbeats append no delta, and a fold with nothing to move keeps the totals", async () => {
    for (let i = 0; i < 20; i++) await h.seedHost({ id: `q${i}`, verdict: i % 3 ? "ready" : "at_risk" });
    await foldFleetCounts(h.ctx);
    const folded = await same("folded");
    // what the last-seen flush writes (services/last-seen.ts): no counted column
    await h.db.db.update(hosts).set({
      lastSeenAt: new Date(Date.now() + 60_000),
      staleClockAt: new Date(Date.now() + 60_000),
      staleSince: null,
    });
    const deltas = await h.db.db.execute(sql`select count(*)::int as n from fleet_count_deltas`);
    expect(
      ((Array.isArray(deltas) ? deltas : (deltas as { rows: unknown[] }).rows) as { n: number }[])[0]?.n,
    ).toBe(0);
    await foldFleetCounts(h.ctx);
    expect(await same("after an empty fold")).toEqual(folded);
    expect((await readFleetCounts(h.ctx)).every((r) => r.hosts > 0)).toBe(true);
  });

  test("the fold leaves no dead delta rows for the next summary to read past", async () => {
    for (let i = 0; i < 200; i++) await h.seedHost({ id: `v${i}`, verdict: i % 2 ? "ready" : "not_ready" });
    const size = async () => {
      const res = await h.db.db.execute(sql`select pg_relation_size('fleet_count_deltas')::int as bytes`);
      return ((Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { bytes: number }[])[0]
        ?.bytes;
    };
    expect(await size(), "the trigger appended deltas").toBeGreaterThan(0);
    await foldFleetCounts(h.ctx);
    // the vacuum after the fold truncates the emptied table
    expect(await size()).toBe(0);
    expect((await same("after the fold")).total).toBe(200);
  });

  test("ingest keeps it current, and the fold leaves only totals behind", async () => {
    const auth = await h.kdw.services.agents.authenticate(hello(), null);
    if (!auth.ok) throw new Error("enrollment failed");
    await h.kdw.services.agents.ingest(
      auth.hostId,
      snapshotFrame("verdict=not_ready failing=kdump.loaded os=Rocky_9.4 kernel=5.14.0"),
    );
    expect((await same("after the first snapshot")).verdicts.not_ready).toBe(1);
    await h.kdw.services.agents.ingest(
      auth.hostId,
      snapshotFrame("verdict=ready os=Rocky_9.4 kernel=5.14.0", 2),
    );
    await foldFleetCounts(h.ctx);
    const s = await same("after the fix");
    expect(s.verdicts).toEqual({ ready: 1, at_risk: 0, not_ready: 0, unknown: 0 });
    expect(s.failingChecks).toEqual([]);
    const rows = await readFleetCounts(h.ctx);
    expect(
      rows.every((r) => r.hosts > 0),
      "no zero rows kept",
    ).toBe(true);
  });
});
