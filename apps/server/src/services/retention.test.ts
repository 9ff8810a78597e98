import { eq, hosts, snapshots } from "@kdumpwatch/db";
import { testDrivers } from "@kdumpwatch/testkit/db";
import { createHarness, type Harness } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runRetention } from "./retention.ts";

const DAY = 86_400_000;

describe.each(testDrivers())("retention on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver, { env: { KDUMPWATCH_RETENTION: "30d" } });
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => h.reset());

  /** snapshots received `ages` days ago; the host's latest is the last one */
  async function seed(id: string, ages: number[], decommissionedDaysAgo?: number): Promise<number[]> {
    const now = h.clock.now().getTime();
    await h.seedHost({
      id,
      ...(decommissionedDaysAgo === undefined
        ? {}
        : { decommissionedAt: new Date(now - decommissionedDaysAgo * DAY) }),
    });
    const ids: number[] = [];
    for (const age of ages) {
      const [row] = await h.db.db
        .insert(snapshots)
        .values({
          hostId: id,
          hash: `${id}-${age}`,
          collectedAt: "x",
          receivedAt: new Date(now - age * DAY),
          verdict: "ready",
          sources: {},
        })
        .returning({ id: snapshots.id });
      if (row) ids.push(row.id);
    }
    await h.db.db
      .update(hosts)
      .set({ latestSnapshotId: ids.at(-1) ?? null })
      .where(eq(hosts.id, id));
    return ids;
  }
  const left = async () =>
    (await h.db.db.select({ hash: snapshots.hash }).from(snapshots)).map((s) => s.hash).sort();

  test("deletes snapshots past the retention in batches, never an active host's latest", async () => {
    await seed("busy", [60, 45, 31, 29, 1]);
    await seed("quiet", [90, 80]); // silent for 80 days: its latest stays
    const result = await runRetention(h.ctx, { batch: 2 });
    expect(result).toEqual({ snapshots: 4, hosts: 0 });
    expect(await left()).toEqual(["busy-1", "busy-29", "quiet-80"]);
    expect(await runRetention(h.ctx), "nothing more to do").toEqual({ snapshots: 0, hosts: 0 });
  });

  test("deletes hosts decommissioned longer ago than the retention, with everything they own; recent ones stay", async () => {
    await seed("retired-long-ago", [50, 40], 31);
    await seed("retired-yesterday", [50, 2], 1);
    const result = await runRetention(h.ctx, { hostBatch: 1 });
    expect(result.hosts).toBe(1);
    const ids = (await h.db.db.select({ id: hosts.id }).from(hosts)).map((r) => r.id);
    expect(ids).toEqual(["retired-yesterday"]);
    expect(await left(), "a decommissioned host's latest snapshot is not kept past the retention").toEqual([
      "retired-yesterday-2",
    ]);
  });

  test("KDUMPWATCH_RETENTION=off keeps everything", async () => {
    await seed("busy", [400, 1]);
    const off = await createHarness(driver, { env: { KDUMPWATCH_RETENTION: "off" } });
    try {
      expect(await runRetention({ ...h.ctx, config: off.config })).toEqual({ snapshots: 0, hosts: 0 });
    } finally {
      await off.dispose();
    }
    expect(await left()).toEqual(["busy-1", "busy-400"]);
  });
});
