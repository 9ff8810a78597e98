import { asc, eq, hostCredentials, hostDuplicates, hosts, sql } from "@kdumpwatch/db";
import type { HostSummary } from "@kdumpwatch/protocol";
import { testDrivers } from "@kdumpwatch/testkit/db";
import { createHarness, FLEET_TOKEN, type Harness, hello } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { createEnrollBatcher, type EnrollBatcherOptions } from "./enroll-batch.ts";
import { createEnrollLimiter } from "./enroll-limits.ts";
import { authenticateAgent } from "./enrollment.ts";
import { staleCutoff, toHostSummary } from "./host-view.ts";

describe.each(testDrivers())("enrollment group commit on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => h.reset());

  /** enrolls every hello at once through one batcher; returns the answers and the batcher's stats */
  async function enrollTogether(hellos: ReturnType<typeof hello>[], options: EnrollBatcherOptions = {}) {
    const batcher = createEnrollBatcher(h.ctx, options);
    const limiter = createEnrollLimiter({ perMinute: 0, clock: h.clock });
    const answers = await Promise.allSettled(
      hellos.map((x, i) =>
        authenticateAgent(h.ctx, { hello: x, remoteAddress: `10.0.0.${i + 1}`, limiter, batcher }),
      ),
    );
    return { answers, stats: batcher.stats };
  }
  const ok = <T>(r: PromiseSettledResult<T>): T => {
    if (r.status !== "fulfilled") throw new Error(`enrollment threw: ${String(r.reason)}`);
    return r.value;
  };
  const withKey = (key: string) => ({ auth: { kind: "enroll" as const, token: FLEET_TOKEN, key } });

  test("enrollments arriving together are written in one transaction, each with its own record and credential", async () => {
    const names = ["m1", "m2", "m3", "m4", "m5"];
    const { answers, stats } = await enrollTogether(
      names.map((m) => hello({ machineId: m, hostname: m, ...withKey(`key-${m}`) })),
    );
    expect(stats, "one batch held all five").toEqual({ batches: 1, enrollments: 5 });
    const auths = answers.map(ok);
    const ids = auths.map((a) => (a.ok ? a.hostId : null));
    expect(new Set(ids).size, "five distinct hosts").toBe(5);
    for (const a of auths)
      expect(a, "new records, marked fresh").toMatchObject({ ok: true, duplicateOf: null, fresh: true });
    const rows = await h.db.db.select().from(hosts).orderBy(asc(hosts.machineId));
    expect(rows.map((r) => [r.machineId, r.hostname, r.remoteAddress, r.duplicateOf])).toEqual(
      names.map((m, i) => [m, m, `10.0.0.${i + 1}`, null]),
    );
    expect(
      rows.every((r) => /^[0-9a-f]{64}$/.test(r.enrollKeyHash ?? "")),
      "key digests stored",
    ).toBe(true);
    expect(await h.db.db.select().from(hostCredentials), "one credential each").toHaveLength(5);
    // every credential handed out lets its host back in
    for (const a of auths) {
      if (!a.ok || !a.credential) throw new Error("no credential");
      const back = await h.kdw.services.agents.authenticate(
        hello({
          machineId: rows.find((r) => r.id === a.hostId)?.machineId ?? "",
          auth: { kind: "credential", ...a.credential },
        }),
        null,
      );
      expect(back, "the batched credential works").toMatchObject({ ok: true, hostId: a.hostId });
    }
  });

  test("two agents claiming one machine-id in one batch: the first is the original, the second its suspected duplicate", async () => {
    const { answers, stats } = await enrollTogether([
      hello({ hostname: "first", ...withKey("key-1") }),
      hello({ hostname: "second", ...withKey("key-2") }),
      hello({ hostname: "third" }),
    ]);
    expect(stats.batches).toBe(1);
    const [a, b, c] = answers.map(ok);
    if (!a?.ok || !b?.ok || !c?.ok) throw new Error("enrollment failed");
    expect(a.duplicateOf, "the first of the batch is the original").toBeNull();
    expect(b.duplicateOf).toBe(a.hostId);
    expect(c.duplicateOf).toBe(a.hostId);
    const dups = await h.db.db.select().from(hostDuplicates).orderBy(asc(hostDuplicates.id));
    expect(dups.map((d) => [d.kind, d.originalHostId, d.duplicateHostId, d.hostname])).toEqual([
      ["machine_id", a.hostId, b.hostId, "second"],
      ["machine_id", a.hostId, c.hostId, "third"],
    ]);
  });

  test("a batch's agents with an enrolled machine-id are duplicates of the enrolled record", async () => {
    const before = await h.kdw.services.agents.authenticate(hello({ hostname: "enrolled" }), null);
    if (!before.ok) throw new Error("enrollment failed");
    const [a, b] = (await enrollTogether([hello({ hostname: "x" }), hello({ hostname: "y" })])).answers.map(
      ok,
    );
    expect([a, b].map((r) => r?.ok && r.duplicateOf)).toEqual([before.hostId, before.hostId]);
    expect(await h.db.db.select().from(hostDuplicates)).toHaveLength(2);
  });

  test("the same enroll key twice in one batch is one host: the second re-enrolls it after the commit", async () => {
    const { answers } = await enrollTogether([hello(withKey("key-a")), hello(withKey("key-a"))]);
    const [a, b] = answers.map(ok);
    if (!a?.ok || !b?.ok || !a.credential || !b.credential) throw new Error("enrollment failed");
    expect(b.hostId, "no second record").toBe(a.hostId);
    expect(await h.db.db.select().from(hosts)).toHaveLength(1);
    expect(await h.db.db.select().from(hostDuplicates), "no duplicate record").toHaveLength(0);
    const old = await h.kdw.services.agents.authenticate(
      hello({ auth: { kind: "credential", ...a.credential } }),
      null,
    );
    expect(old.ok, "the first credential was replaced").toBe(false);
    const current = await h.kdw.services.agents.authenticate(
      hello({ auth: { kind: "credential", ...b.credential } }),
      null,
    );
    expect(current.ok).toBe(true);
  });

  test("an enroll key that names an enrolled record re-enrolls it; a decommissioned one is refused", async () => {
    const first = await h.kdw.services.agents.authenticate(hello(withKey("key-a")), null);
    const gone = await h.kdw.services.agents.authenticate(
      hello({ machineId: "machine-b", ...withKey("key-b") }),
      null,
    );
    if (!first.ok || !gone.ok) throw new Error("enrollment failed");
    await h.kdw.services.lifecycle.decommission(gone.hostId);
    const [a, b, c] = (
      await enrollTogether([
        hello(withKey("key-a")),
        hello({ machineId: "machine-b", ...withKey("key-b") }),
        hello({ machineId: "machine-c" }),
      ])
    ).answers.map(ok);
    expect(a).toMatchObject({ ok: true, hostId: first.hostId, duplicateOf: null });
    expect(a?.ok && a.fresh, "a re-enrolled record is not fresh").toBeUndefined();
    expect(b).toMatchObject({ ok: false, code: "decommissioned" });
    expect(c).toMatchObject({ ok: true, duplicateOf: null });
    expect(await h.db.db.select().from(hosts), "one new record: machine-c").toHaveLength(3);
  });

  test("a row the database refuses fails alone: the rest of its batch is enrolled, nothing half-written", async () => {
    // a trigger stands in for any per-row failure (a constraint, a bad value)
    await h.db.db.execute(
      sql.raw(`create or replace function kdw_test_refuse() returns trigger language plpgsql as $$
        begin if new.hostname = 'refused' then raise exception 'refused by the test'; end if; return new; end $$`),
    );
    await h.db.db.execute(
      sql.raw(
        "create trigger kdw_test_refuse before insert on hosts for each row execute function kdw_test_refuse()",
      ),
    );
    try {
      const { answers, stats } = await enrollTogether([
        hello({ machineId: "m1", hostname: "good-1" }),
        hello({ machineId: "m2", hostname: "refused" }),
        hello({ machineId: "m3", hostname: "good-3" }),
        hello({ machineId: "m1", hostname: "clone-of-1" }),
      ]);
      expect(stats, "the batch was tried once").toEqual({ batches: 1, enrollments: 4 });
      expect(answers.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
      const [a, , c, d] = answers.map((r) => (r.status === "fulfilled" ? r.value : null));
      if (!a?.ok || !c?.ok || !d?.ok) throw new Error("enrollment failed");
      expect(d.duplicateOf, "retried alone, the order of arrival still decides the original").toBe(a.hostId);
      const rows = await h.db.db.select().from(hosts).orderBy(asc(hosts.hostname));
      expect(rows.map((r) => r.hostname)).toEqual(["clone-of-1", "good-1", "good-3"]);
      expect(await h.db.db.select().from(hostCredentials), "a credential per written host").toHaveLength(3);
      expect(await h.db.db.select().from(hostDuplicates)).toHaveLength(1);
    } finally {
      await h.db.db.execute(sql.raw("drop trigger kdw_test_refuse on hosts"));
    }
  });

  test("batches in flight together keep one machine-id's records apart (the advisory locks)", async () => {
    const { answers, stats } = await enrollTogether(
      ["a", "b", "c", "d", "e", "f"].map((n) =>
        hello({ hostname: n, machineId: n < "d" ? "shared" : `own-${n}` }),
      ),
      { maxBatch: 2, concurrency: 3 },
    );
    expect(stats).toEqual({ batches: 3, enrollments: 6 });
    const auths = answers.map(ok);
    expect(auths.every((a) => a.ok)).toBe(true);
    const shared = await h.db.db.select().from(hosts).where(eq(hosts.machineId, "shared"));
    expect(shared, "three records of the shared machine-id").toHaveLength(3);
    expect(
      shared.filter((r) => r.duplicateOf === null),
      "exactly one original, whichever batch committed first",
    ).toHaveLength(1);
    const original = shared.find((r) => r.duplicateOf === null)?.id;
    expect(shared.filter((r) => r.duplicateOf === original)).toHaveLength(2);
    expect(await h.db.db.select().from(hostDuplicates)).toHaveLength(2);
  });

  test("live listeners hear of each new host as the database holds it, without a read back", async () => {
    const heard: HostSummary[] = [];
    const unsubscribe = h.hub.subscribe((e) => {
      if (e.type === "host") heard.push(e.host);
    });
    try {
      const { answers } = await enrollTogether([
        hello({ machineId: "p1", hostname: "plain" }),
        hello({ machineId: "p2", hostname: "labelled", labels: { site: "b-site", env: "prod", area: "a" } }),
        hello({ machineId: "p1", hostname: "clone" }),
      ]);
      const auths = answers.map(ok);
      expect(auths.every((a) => a.ok)).toBe(true);
      await vi.waitFor(() => expect(heard, "one event per new host").toHaveLength(3));
      const rows = await h.db.db.select().from(hosts);
      const cutoff = staleCutoff(h.clock.now(), h.ctx.config.staleAfterSec);
      const fromDb = auths.map((a) => {
        const row = rows.find((r) => a.ok && r.id === a.hostId);
        if (!row) throw new Error("host not written");
        return toHostSummary(row, cutoff);
      });
      expect(heard, "the published summaries are the rows' own, in the order of arrival").toEqual(fromDb);
      expect(Object.keys(heard[1]?.labels ?? {}), "labels sorted by name").toEqual(["area", "env", "site"]);
      expect(heard[2]?.duplicateOf, "the clone names its original").toBe(heard[0]?.id);
    } finally {
      unsubscribe();
    }
  });

  test("the services enroll concurrent new agents through the group commit", async () => {
    const before = h.kdw.services.agents.enrollStats();
    const auths = await Promise.all(
      ["s1", "s2", "s3"].map((m) =>
        h.kdw.services.agents.authenticate(hello({ machineId: m, hostname: m }), null),
      ),
    );
    expect(auths.map((a) => a.ok)).toEqual([true, true, true]);
    expect(h.kdw.services.agents.enrollStats(), "one more batch, of three").toEqual({
      batches: before.batches + 1,
      enrollments: before.enrollments + 3,
    });
  });
});
