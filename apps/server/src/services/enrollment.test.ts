import { eq, hostCredentials, hostDuplicates, hosts } from "@kdumpwatch/db";
import { testDrivers } from "@kdumpwatch/testkit/db";
import { createHarness, FLEET_TOKEN, type Harness, hello } from "@kdumpwatch/testkit/server";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

describe.each(testDrivers())("enrollment on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());
  beforeEach(async () => h.reset());

  const agents = () => h.kdw.services.agents;

  test("the fleet token enrolls a host and hands out a credential that is stored only hashed", async () => {
    const auth = await agents().authenticate(hello(), "10.0.0.1");
    expect(auth.ok).toBe(true);
    if (!auth.ok) return;
    expect(auth.credential?.hostId).toBe(auth.hostId);
    const [cred] = await h.db.db.select().from(hostCredentials);
    expect(cred?.secretHash, "only a sha256 digest is stored").toMatch(/^[0-9a-f]{64}$/);
    expect(cred?.secretHash).not.toContain(auth.credential?.secret ?? "x");
    const [host] = await h.db.db.select().from(hosts);
    expect(host).toMatchObject({
      hostname: "host-a",
      machineId: "machine-a",
      verdict: "unknown",
      remoteAddress: "10.0.0.1",
    });
  });

  test("the credential alone lets the host back in; a wrong secret or unknown host is refused", async () => {
    const first = await agents().authenticate(hello(), null);
    if (!first.ok || !first.credential) throw new Error("enrollment failed");
    const { hostId, secret } = first.credential;
    const again = await agents().authenticate(hello({ auth: { kind: "credential", hostId, secret } }), null);
    expect(again).toEqual({ ok: true, hostId, duplicateOf: null });
    const wrong = await agents().authenticate(
      hello({ auth: { kind: "credential", hostId, secret: `${secret}x` } }),
      null,
    );
    expect(wrong.ok).toBe(false);
    const unknown = await agents().authenticate(
      hello({ auth: { kind: "credential", hostId: "nope", secret } }),
      null,
    );
    expect(unknown.ok).toBe(false);
    expect(await h.db.db.select().from(hosts), "no new host record on reconnect").toHaveLength(1);
  });

  test("a wrong enrollment token is refused and creates nothing", async () => {
    const auth = await agents().authenticate(
      hello({ auth: { kind: "enroll", token: `${FLEET_TOKEN}-wrong` } }),
      null,
    );
    expect(auth.ok).toBe(false);
    expect(await h.db.db.select().from(hosts)).toHaveLength(0);
  });

  test("a created token allows exactly its number of uses", async () => {
    const { secret } = await h.kdw.services.tokens.create({ uses: 2, ttlSeconds: 3600 });
    const results = await Promise.all(
      ["m1", "m2", "m3"].map((m) =>
        agents().authenticate(
          hello({ machineId: m, hostname: m, auth: { kind: "enroll", token: secret } }),
          null,
        ),
      ),
    );
    expect(
      results.filter((r) => r.ok),
      "two of three concurrent enrollments succeed",
    ).toHaveLength(2);
    const { tokens } = await h.kdw.services.tokens.list();
    expect(tokens[0]).toMatchObject({ uses: 2, maxUses: 2, active: false });
  });

  test("an expired or revoked token is refused", async () => {
    const expiring = await h.kdw.services.tokens.create({ uses: 5, ttlSeconds: 60 });
    h.clock.advance(61);
    const late = await agents().authenticate(
      hello({ auth: { kind: "enroll", token: expiring.secret } }),
      null,
    );
    expect(late.ok, "expired").toBe(false);
    const revoked = await h.kdw.services.tokens.create({ uses: 5, ttlSeconds: 3600 });
    await h.kdw.services.tokens.revoke(revoked.token.id);
    const refused = await agents().authenticate(
      hello({ auth: { kind: "enroll", token: revoked.secret } }),
      null,
    );
    expect(refused.ok, "revoked").toBe(false);
  });

  test("a second host enrolling with an enrolled machine-id is recorded as a duplicate, not merged", async () => {
    const a = await agents().authenticate(hello({ hostname: "original" }), "10.0.0.1");
    const b = await agents().authenticate(hello({ hostname: "clone" }), "10.0.0.2");
    if (!a.ok || !b.ok) throw new Error("enrollment failed");
    expect(b.hostId).not.toBe(a.hostId);
    expect(b.duplicateOf).toBe(a.hostId);
    const rows = await h.db.db.select().from(hosts);
    expect(rows, "two host records").toHaveLength(2);
    const [dup] = await h.db.db.select().from(hostDuplicates);
    expect(dup).toMatchObject({
      kind: "machine_id",
      originalHostId: a.hostId,
      duplicateHostId: b.hostId,
      hostname: "clone",
    });
    const detail = await h.kdw.services.hosts.get(a.hostId);
    expect(
      detail.duplicates.map((d) => d.duplicateHostId),
      "visible on the original host",
    ).toEqual([b.hostId]);
  });

  const withKey = (key: string, token = FLEET_TOKEN) => ({ auth: { kind: "enroll" as const, token, key } });

  test("the same machine enrolling again with its enroll key (a lost welcome) gets a new credential for its own record", async () => {
    const first = await agents().authenticate(hello(withKey("key-a")), "10.0.0.1");
    const second = await agents().authenticate(hello(withKey("key-a")), "10.0.0.1");
    if (!first.ok || !second.ok || !first.credential || !second.credential)
      throw new Error("enrollment failed");
    expect(second.hostId, "no second record for a lost welcome").toBe(first.hostId);
    expect(second.duplicateOf).toBeNull();
    expect(await h.db.db.select().from(hosts)).toHaveLength(1);
    const [row] = await h.db.db.select().from(hosts);
    expect(row?.enrollKeyHash, "only the key's digest is stored").toMatch(/^[0-9a-f]{64}$/);
    const old = await agents().authenticate(
      hello({ auth: { kind: "credential", ...first.credential } }),
      null,
    );
    expect(old.ok, "the replaced credential stops working").toBe(false);
    const current = await agents().authenticate(
      hello({ auth: { kind: "credential", ...second.credential } }),
      null,
    );
    expect(current.ok).toBe(true);
  });

  test("a live host's machine-id and hostname enrolling again is a clone, recorded as a duplicate", async () => {
    const first = await agents().authenticate(hello(withKey("key-a")), "10.0.0.1");
    if (!first.ok) throw new Error("enrollment failed");
    await h.db.db.update(hosts).set({ judgementHash: "reported" }).where(eq(hosts.id, first.hostId));
    const clone = await agents().authenticate(hello(withKey("key-clone")), "10.0.0.2");
    if (!clone.ok) throw new Error("enrollment failed");
    expect(clone.hostId).not.toBe(first.hostId);
    expect(clone.duplicateOf).toBe(first.hostId);
  });

  test.each([
    ["without an enroll key", undefined],
    ["with another enroll key", "someone-elses-key"],
  ])(
    "enrolling again with a silent host's machine-id and hostname %s never takes over its record",
    async (_, key) => {
      const first = await agents().authenticate(hello(withKey("key-a")), "10.0.0.1");
      if (!first.ok || !first.credential) throw new Error("enrollment failed");
      await h.db.db
        .update(hosts)
        .set({ judgementHash: "reported", lastSeenAt: new Date(h.clock.now().getTime() - 3_600_000) })
        .where(eq(hosts.id, first.hostId));
      const again = await agents().authenticate(hello(key === undefined ? {} : withKey(key)), "10.6.6.6");
      if (!again.ok) throw new Error("enrollment failed");
      expect(again.hostId, "a record of its own").not.toBe(first.hostId);
      expect(again.duplicateOf, "marked as a suspected duplicate").toBe(first.hostId);
      const [row] = await h.db.db.select().from(hosts).where(eq(hosts.id, first.hostId));
      expect(row?.remoteAddress, "the original record is untouched").toBe("10.0.0.1");
      const original = await agents().authenticate(
        hello({ auth: { kind: "credential", ...first.credential } }),
        null,
      );
      expect(original, "the original host's credential still works").toMatchObject({
        ok: true,
        hostId: first.hostId,
      });
    },
  );

  test("an enroll key proves nothing for another machine-id", async () => {
    const a = await agents().authenticate(hello(withKey("shared-key")), null);
    const b = await agents().authenticate(hello({ machineId: "machine-b", ...withKey("shared-key") }), null);
    if (!a.ok || !b.ok) throw new Error("enrollment failed");
    expect(b.hostId).not.toBe(a.hostId);
    expect(b.duplicateOf).toBeNull();
  });

  test("a token with a host cap enrolls that many hosts; its hosts may enroll again; a decommissioned one frees a place", async () => {
    const { secret, token } = await h.kdw.services.tokens.create({
      uses: 100,
      ttlSeconds: 3600,
      maxHosts: 2,
    });
    expect(token.maxHosts).toBe(2);
    const enrollAs = (m: string, key = `key-${m}`) =>
      agents().authenticate(hello({ machineId: m, hostname: m, ...withKey(key, secret) }), "10.1.1.1");
    const [a, b] = [await enrollAs("m1"), await enrollAs("m2")];
    const third = await enrollAs("m3");
    expect(third).toMatchObject({ ok: false, code: "host_cap_reached" });
    expect(await h.db.db.select().from(hosts), "nothing written for the refused one").toHaveLength(2);
    expect((await enrollAs("m1")).ok, "a capped token's own host enrolling again with its key").toBe(true);
    if (!a.ok || !b.ok) throw new Error("enrollment failed");
    await h.kdw.services.lifecycle.decommission(a.hostId);
    expect((await enrollAs("m3")).ok, "a place freed by decommissioning").toBe(true);
    const { tokens } = await h.kdw.services.tokens.list();
    expect(tokens[0]?.uses, "the refused enrollment used nothing").toBe(4);
  });

  test("a decommissioned host's agent is refused with its own code, by credential and by enroll key", async () => {
    const a = await agents().authenticate(hello(withKey("key-a")), null);
    if (!a.ok || !a.credential) throw new Error("enrollment failed");
    await h.kdw.services.lifecycle.decommission(a.hostId);
    expect(
      await agents().authenticate(hello({ auth: { kind: "credential", ...a.credential } }), null),
    ).toMatchObject({ ok: false, code: "decommissioned" });
    expect(await agents().authenticate(hello(withKey("key-a")), null)).toMatchObject({
      ok: false,
      code: "decommissioned",
    });
  });

  test("a credential presented with another machine-id is refused and recorded once", async () => {
    const a = await agents().authenticate(hello(), null);
    if (!a.ok || !a.credential) throw new Error("enrollment failed");
    const stolen = hello({ machineId: "machine-z", auth: { kind: "credential", ...a.credential } });
    expect((await agents().authenticate(stolen, "10.9.9.9")).ok).toBe(false);
    expect((await agents().authenticate(stolen, "10.9.9.9")).ok).toBe(false);
    const dups = await h.db.db.select().from(hostDuplicates);
    expect(dups, "one record for repeated attempts").toHaveLength(1);
    expect(dups[0]).toMatchObject({
      kind: "credential_mismatch",
      machineId: "machine-z",
      duplicateHostId: null,
    });
  });
});

describe("enrollment limits and logs", () => {
  const driver = testDrivers()[0];
  if (!driver) throw new Error("no test driver");

  test("enrollments past a token's rate are refused with a retry time and logged with the client address", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const h = await createHarness(driver, { env: { KDUMPWATCH_ENROLL_RATE: "2" }, log });
    try {
      const agents = h.kdw.services.agents;
      const results = [];
      for (const m of ["r1", "r2", "r3"]) {
        results.push(await agents.authenticate(hello({ machineId: m, hostname: m }), "192.0.2.7"));
      }
      expect(results.map((r) => r.ok)).toEqual([true, true, false]);
      expect(results[2]).toMatchObject({ ok: false, code: "rate_limited" });
      expect(results[2]?.ok === false && results[2].retryAfterMs).toBe(30_000);
      await agents.authenticate(hello({ auth: { kind: "enroll", token: "not-a-token" } }), "198.51.100.9");
      const refused = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "enrollment refused");
      expect(refused.map((l) => [l.code, l.remoteAddress, l.reason])).toEqual([
        ["rate_limited", "192.0.2.7", "too many enrollments with this token"],
        ["unauthorized", "198.51.100.9", "unknown enrollment token"],
      ]);
      expect(lines.join("\n"), "the token itself is never logged").not.toContain("not-a-token");
    } finally {
      await h.dispose();
    }
  });
});
