import { eq, hosts, snapshots, transitions } from "@kdumpwatch/db";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createLastSeen } from "./last-seen.ts";

describe.each(testDrivers())("group commit and batched last-seen on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => h.reset());

  const enroll = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const auth = await h.kdw.services.agents.authenticate(
        hello({ machineId: `m-${i}`, hostname: `h-${i}` }),
        null,
      );
      if (!auth.ok) throw new Error("enrollment failed");
      ids.push(auth.hostId);
    }
    return ids;
  };
  const row = async (id: string) => (await h.db.db.select().from(hosts).where(eq(hosts.id, id)))[0]!;

  test("snapshots arriving together commit in fewer transactions than snapshots, each acked with its own outcome", async () => {
    const ids = await enroll(12);
    const before = h.kdw.services.agents.stats().batches;
    const results = await Promise.all(
      ids.map((id, i) =>
        h.kdw.services.agents.ingest(
          id,
          snapshotFrame(i % 2 ? "verdict=ready" : "verdict=not_ready failing=kdump.loaded"),
        ),
      ),
    );
    const batches = h.kdw.services.agents.stats().batches - before;
    expect(batches, "12 snapshots at once are not 12 transactions").toBeLessThan(12);
    expect(batches).toBeGreaterThan(0);
    expect(results.map((r) => r.verdict)).toEqual(ids.map((_, i) => (i % 2 ? "ready" : "not_ready")));
    expect(results.every((r) => r.stored && r.transition)).toBe(true);
    expect(await h.db.db.select().from(snapshots)).toHaveLength(12);
    expect(await h.db.db.select().from(transitions)).toHaveLength(12);
    for (const [i, id] of ids.entries()) {
      const r = await row(id);
      expect(r.verdict, `host ${i}`).toBe(i % 2 ? "ready" : "not_ready");
      expect(r.latestSnapshotId, `host ${i} points at its own snapshot`).not.toBeNull();
      const [snap] = await h.db.db.select().from(snapshots).where(eq(snapshots.id, r.latestSnapshotId!));
      expect(snap?.hostId).toBe(id);
    }
  });

  test("a host that is gone fails alone: the others in its batch are stored", async () => {
    const [gone, a, b] = await enroll(3);
    await h.db.db.delete(hosts).where(eq(hosts.id, gone!));
    const outcomes = await Promise.allSettled(
      [gone!, a!, b!].map((id) => h.kdw.services.agents.ingest(id, snapshotFrame("verdict=ready"))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: "not_found" });
    expect(await h.db.db.select().from(snapshots)).toHaveLength(2);
  });

  test("two snapshots of one host in the same moment are applied in order", async () => {
    const [id] = await enroll(1);
    const [first, second] = await Promise.all([
      h.kdw.services.agents.ingest(id!, snapshotFrame("verdict=not_ready failing=kdump.loaded", 1)),
      h.kdw.services.agents.ingest(id!, snapshotFrame("verdict=ready", 2)),
    ]);
    expect(first?.transition).toBe(true);
    expect(second?.transition).toBe(true);
    expect((await row(id!)).verdict).toBe("ready");
    const trs = await h.db.db.select().from(transitions).orderBy(transitions.id);
    expect(trs.map((t) => [t.fromVerdict, t.toVerdict])).toEqual([
      [null, "not_ready"],
      ["not_ready", "ready"],
    ]);
  });

  test("an unchanged snapshot touches no row until the flush", async () => {
    const [id] = await enroll(1);
    await h.kdw.services.agents.ingest(id!, snapshotFrame("verdict=ready"));
    const before = await row(id!);
    const batches = h.kdw.services.agents.stats().batches;
    h.clock.advance(30);
    await h.kdw.services.agents.ingest(id!, snapshotFrame("verdict=ready", 2));
    expect(h.kdw.services.agents.stats().batches, "no transaction for it").toBe(batches);
    expect((await row(id!)).lastSeenAt.getTime()).toBe(before.lastSeenAt.getTime());
    await h.kdw.services.agents.flushLiveness();
    expect((await row(id!)).lastSeenAt.getTime() - before.lastSeenAt.getTime()).toBe(30_000);
  });

  test("last-seen only moves forward, whichever process flushes last", async () => {
    const [id] = await enroll(1);
    h.clock.advance(60);
    await h.kdw.services.agents.heartbeat(id!);
    await h.kdw.services.agents.flushLiveness();
    const newest = (await row(id!)).lastSeenAt.getTime();
    // another process that heard from the host earlier flushes after us
    const other = createLastSeen(h.ctx);
    other.touch(id!, new Date(newest - 20_000));
    await other.flush();
    const after = await row(id!);
    expect(after.lastSeenAt.getTime()).toBe(newest);
    expect(after.staleClockAt.getTime()).toBe(newest);
  });

  test("a flush never waits for a host row an ingest transaction holds: that host's time rides with the next flush", async () => {
    // PGlite has one connection: a second transaction cannot run beside the first there
    if (driver.name !== "postgres") return;
    const [busy, free] = await enroll(2);
    const lastSeen = createLastSeen(h.ctx);
    h.clock.advance(30);
    lastSeen.touch(busy!, h.clock.now());
    lastSeen.touch(free!, h.clock.now());
    await h.db.db.transaction(async (tx) => {
      await tx.select().from(hosts).where(eq(hosts.id, busy!)).for("update");
      await lastSeen.flush();
    });
    expect(lastSeen.pending, "the locked host waits for the next flush").toBe(1);
    expect((await row(free!)).lastSeenAt.getTime()).toBe(h.clock.now().getTime());
    await lastSeen.flush();
    expect(lastSeen.pending).toBe(0);
    expect((await row(busy!)).lastSeenAt.getTime()).toBe(h.clock.now().getTime());
  });

  test("a host removed from the database is told so at its next heartbeat after a flush", async () => {
    const [id] = await enroll(1);
    await h.kdw.services.agents.heartbeat(id!);
    await h.db.db.delete(hosts).where(eq(hosts.id, id!));
    await h.kdw.services.agents.flushLiveness();
    await expect(h.kdw.services.agents.heartbeat(id!)).rejects.toMatchObject({ code: "not_found" });
  });
});
