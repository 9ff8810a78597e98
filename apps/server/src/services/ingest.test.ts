import { judgeSnapshot, type Snapshot } from "@kdumpwatch/core";
import { eq, hostReports, hosts, snapshots, sql, transitions } from "@kdumpwatch/db";
import type { LiveEvent } from "@kdumpwatch/protocol";
import { testDrivers } from "@kdumpwatch/testkit/db";
import { createHarness, fakeJudge, type Harness, hello, snapshotFrame } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { failingChecks, listingFacts } from "./ingest.ts";
import { sweepStale } from "./stale-sweeper.ts";

describe.each(testDrivers())("ingest on $name", (driver) => {
  let h: Harness;
  let hostId: string;
  let events: LiveEvent[];
  beforeAll(async () => {
    h = await createHarness(driver);
    h.hub.subscribe((e) => events.push(e));
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => {
    await h.reset();
    const auth = await h.kdw.services.agents.authenticate(hello(), null);
    if (!auth.ok) throw new Error("enrollment failed");
    hostId = auth.hostId;
    events = [];
  });

  const ingest = (spec: string, seq = 1) => h.kdw.services.agents.ingest(hostId, snapshotFrame(spec, seq));
  const host = async () => (await h.db.db.select().from(hosts).where(eq(hosts.id, hostId)))[0]!;

  test("the first snapshot stores the evidence, the judgement, the listing columns and a transition from nothing", async () => {
    const r = await ingest(
      "verdict=not_ready failing=crashkernel.reserved os=Ubuntu_24.04 kernel=6.8.0 ram=1024 crashkernel=512M reserved=0",
    );
    expect(r).toEqual({ verdict: "not_ready", stored: true, transition: true });
    const row = await host();
    expect(row).toMatchObject({
      verdict: "not_ready",
      failing: ["crashkernel.reserved"],
      os: "Ubuntu 24.04",
      kernel: "6.8.0",
      ramBytes: 1024,
      crashkernel: "512M",
      reservedBytes: 0,
    });
    const trs = await h.db.db.select().from(transitions);
    expect(trs).toHaveLength(1);
    expect(trs[0]).toMatchObject({
      fromVerdict: null,
      toVerdict: "not_ready",
      failing: ["crashkernel.reserved"],
    });
    const [report] = await h.db.db.select().from(hostReports);
    expect(report?.checks, "every check of the judgement is kept").toHaveLength(17);
  });

  test("the stored sources, checks and facts are the values of the snapshot and its judgement", async () => {
    // stored from the judge's canonical JSON text: the jsonb values are those of the objects
    const frame = snapshotFrame("verdict=not_ready failing=kdump.loaded os=Ubuntu_24.04", 1, {
      os_release: 'NAME="Ubuntu"\nPRETTY_NAME="\u00e9 \u2028 \\ \t"\n',
      zz_first: "z",
      aa_last: "a",
    });
    await h.kdw.services.agents.ingest(hostId, frame);
    const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    const [snapshot] = await h.db.db.select().from(snapshots);
    expect(snapshot?.sources).toEqual(plain(frame.snapshot.sources));
    const judgement = fakeJudge(frame.snapshot, h.clock.now());
    const [report] = await h.db.db.select().from(hostReports);
    expect(report?.checks).toEqual(plain(judgement.checks));
    expect(report?.facts).toEqual(plain(judgement.facts));
    expect(report?.facts, "collectedAt is stored with the facts").toMatchObject({
      collectedAt: frame.snapshot.collectedAt,
    });
  });

  test("the evidence and the reports are compressed with lz4 where the server has it (migration 0010)", async () => {
    const res = await h.db.db.execute(
      sql.raw(`select attrelid::regclass::text || '.' || attname as col, attcompression::text as c
               from pg_attribute where attrelid in ('snapshots'::regclass, 'host_reports'::regclass)
               and attname in ('sources', 'checks', 'facts') order by 1`),
    );
    const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as {
      col: string;
      c: string;
    }[];
    expect(rows.map((r) => r.col)).toEqual([
      "host_reports.checks",
      "host_reports.facts",
      "snapshots.sources",
    ]);
    // PostgreSQL as Debian and the official images build it has lz4; an embedded build may not
    const expected = driver.name === "pglite" ? rows[0]?.c : "l";
    expect(rows.map((r) => r.c)).toEqual([expected, expected, expected]);
  });

  test("the same content again stores no snapshot and no transition, but moves last-seen", async () => {
    await ingest("verdict=ready");
    const before = await host();
    h.clock.advance(60);
    const r = await ingest("verdict=ready", 2);
    expect(r).toEqual({ verdict: "ready", stored: false, transition: false });
    await h.kdw.services.agents.flushLiveness();
    expect(await h.db.db.select().from(snapshots), "one snapshot row").toHaveLength(1);
    expect(await h.db.db.select().from(transitions), "one transition row").toHaveLength(1);
    const after = await host();
    expect(after.lastSeenAt.getTime() - before.lastSeenAt.getTime()).toBe(60_000);
    expect(after.verdictSince.toISOString(), "verdict since does not move").toBe(
      before.verdictSince.toISOString(),
    );
  });

  test("changed content with the same verdict stores a snapshot but no transition", async () => {
    await ingest("verdict=ready kernel=6.8.0");
    const r = await ingest("verdict=ready kernel=6.8.1", 2);
    expect(r).toEqual({ verdict: "ready", stored: true, transition: false });
    expect((await host()).kernel).toBe("6.8.1");
  });

  test("a change of the failing set with the same verdict is a transition; verdict-since stays", async () => {
    await ingest("verdict=not_ready failing=kdump.loaded");
    const since = (await host()).verdictSince;
    h.clock.advance(30);
    const r = await ingest("verdict=not_ready failing=kdump.loaded,crashkernel.reserved", 2);
    expect(r.transition).toBe(true);
    const trs = await h.db.db.select().from(transitions).orderBy(transitions.id);
    expect(trs.map((t) => [t.fromVerdict, t.toVerdict, t.failing])).toEqual([
      [null, "not_ready", ["kdump.loaded"]],
      // catalogue order, whatever order the judge reported them in
      ["not_ready", "not_ready", ["crashkernel.reserved", "kdump.loaded"]],
    ]);
    expect((await host()).verdictSince.toISOString()).toBe(since.toISOString());
  });

  test("a verdict change is a transition and restarts verdict-since", async () => {
    await ingest("verdict=not_ready failing=kdump.loaded");
    h.clock.advance(120);
    await ingest("verdict=ready", 2);
    const row = await host();
    expect(row.verdictSince.toISOString()).toBe(h.clock.now().toISOString());
    const history = await h.kdw.services.hosts.history(hostId, 10);
    expect(history.transitions.map((t) => [t.from, t.to])).toEqual([
      ["not_ready", "ready"],
      [null, "not_ready"],
    ]);
  });

  test("live events come after the commit, only for visible changes", async () => {
    await ingest("verdict=ready");
    await ingest("verdict=ready", 2);
    await ingest("verdict=at_risk failing=crashkernel.size", 3);
    await new Promise((r) => setTimeout(r, 10));
    const hostEvents = events.filter((e) => e.type === "host");
    // enrollment happened before `events` was reset; first judgement + the at_risk change
    expect(hostEvents.map((e) => e.type === "host" && e.host.verdict)).toEqual(["ready", "at_risk"]);
  });

  test("a stale host sending unchanged content stops being stale and is announced", async () => {
    await ingest("verdict=ready");
    h.clock.advance(h.config.staleAfterSec + 5);
    await sweepStale(h.ctx);
    expect((await host()).staleSince).not.toBeNull();
    events = [];
    const r = await ingest("verdict=ready", 2);
    expect(r).toEqual({ verdict: "ready", stored: false, transition: false });
    await h.kdw.services.agents.flushLiveness();
    expect((await host()).staleSince).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.map((e) => e.type === "host" && e.host.stale)).toEqual([false]);
  });

  test("a heartbeat moves only last-seen", async () => {
    await ingest("verdict=ready");
    const before = await host();
    h.clock.advance(45);
    await h.kdw.services.agents.heartbeat(hostId);
    expect((await host()).lastSeenAt.getTime(), "no row is touched per beat").toBe(
      before.lastSeenAt.getTime(),
    );
    await h.kdw.services.agents.flushLiveness();
    const after = await host();
    expect(after.lastSeenAt.getTime() - before.lastSeenAt.getTime()).toBe(45_000);
    expect({ ...after, lastSeenAt: null, staleClockAt: null }).toEqual({
      ...before,
      lastSeenAt: null,
      staleClockAt: null,
    });
    expect(await h.db.db.select().from(snapshots)).toHaveLength(1);
  });

  test("a snapshot for a host that no longer exists is refused, nothing stored", async () => {
    await h.db.db.delete(hosts).where(eq(hosts.id, hostId));
    await expect(ingest("verdict=ready")).rejects.toMatchObject({ code: "not_found" });
    expect(await h.db.db.select().from(snapshots)).toHaveLength(0);
  });
});

describe("ingest helpers", () => {
  test("failing checks are fail and warn, and unknown only on critical checks", () => {
    const checks = [
      { id: "kdump.loaded", status: "unknown" },
      { id: "crashkernel.size", status: "warn" },
      { id: "dump-target.capacity", status: "unknown" },
      { id: "crashkernel.reserved", status: "fail" },
      { id: "panic.on-oops", status: "info" },
    ] as const;
    expect(failingChecks(checks.map((c) => ({ ...c, summary: "", evidence: [] })))).toEqual([
      "kdump.loaded",
      "crashkernel.size",
      "crashkernel.reserved",
    ]);
  });

  test("the listing columns come from core's real facts", () => {
    const snapshot: Snapshot = {
      collectedAt: "2026-11-26T10:00:00Z",
      sources: {
        cmdline: {
          ok: true,
          text: "BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=/dev/sda1 ro crashkernel=512M\n",
        },
        os_release: {
          ok: true,
          text: 'NAME="Ubuntu"\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\n',
        },
        uname: {
          ok: true,
          text: "Linux web-1 6.8.0-45-generic #45-Ubuntu SMP x86_64 x86_64 x86_64 GNU/Linux\n",
        },
        kexec_crash_size: { ok: true, text: "536870912\n" },
      },
    };
    const listing = listingFacts(judgeSnapshot(snapshot, new Date("2026-11-26T10:00:00Z")).facts);
    expect(listing).toMatchObject({
      os: "Ubuntu 24.04.1 LTS",
      kernel: "6.8.0-45-generic",
      crashkernel: "512M",
      reservedBytes: 536870912,
    });
  });
});
