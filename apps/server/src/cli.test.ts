import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hosts, openDatabase } from "@kdumpwatch/db";
import { seedPgliteDataDir } from "@kdumpwatch/testkit/db";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXIT, parseDuration, runCli } from "./cli.ts";
import { loadConfig } from "./config.ts";
import { silentLogger } from "./log.ts";
import { startServer } from "./server.ts";

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env: { KDUMPWATCH_LOG_LEVEL: "silent", ...env },
    },
  };
}

describe("kdumpwatch-server CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "kdw-cli-"));
  // Each data directory starts as the migrated image (no initdb, no migrations: seconds each), as a
  // directory the server has already used; the commands still open it themselves every time.
  beforeAll(async () => {
    for (const d of [dir, join(dir, "hosts"), join(dir, "live")]) await seedPgliteDataDir(d);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("token create, list and revoke work on the data directory", async () => {
    const created = io();
    expect(
      await runCli(
        ["token", "create", "--uses", "3", "--ttl", "2h", "--label", "rack", "--data-dir", dir],
        created.io,
      ),
    ).toBe(EXIT.ok);
    const id = /^token (\w+): 3 use\(s\)/.exec(created.out[0] ?? "")?.[1];
    expect(id, created.out.join("\n")).toBeDefined();
    expect(created.out[1]).toMatch(/^kdwe_/);

    const listed = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["token", "list", "--json"], listed.io)).toBe(EXIT.ok);
    const tokens = JSON.parse(listed.out[0] ?? "{}").tokens;
    expect(tokens).toMatchObject([{ id, label: "rack", maxUses: 3, active: true }]);
    expect(listed.out.join(""), "no secret in the list").not.toContain("kdwe_");

    const revoked = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["token", "revoke", id!], revoked.io)).toBe(EXIT.ok);
    const table = io({ KDUMPWATCH_DATA_DIR: dir });
    await runCli(["token", "list"], table.io);
    expect(table.out[1]).toContain("revoked");
  });

  test("host decommission, merge and reject work on the data directory", async () => {
    const data = join(dir, "hosts");
    const handle = await openDatabase({ dataDir: data });
    const at = new Date();
    const row = (id: string, duplicateOf: string | null = null) => ({
      id,
      machineId: id.startsWith("dup") || id === "orig" ? "m-orig" : `m-${id}`,
      hostname: id,
      duplicateOf,
      enrolledAt: at,
      lastSeenAt: at,
      verdictSince: at,
      staleClockAt: at,
    });
    try {
      await handle.db
        .insert(hosts)
        .values([row("orig"), row("dup-1", "orig"), row("dup-2", "orig"), row("old")]);
    } finally {
      await handle.close();
    }
    const env = { KDUMPWATCH_DATA_DIR: data };
    const retired = io(env);
    expect(await runCli(["host", "decommission", "old", "nope", "--json"], retired.io)).toBe(EXIT.failed);
    expect(JSON.parse(retired.out[0] ?? "{}")).toEqual({
      decommissioned: ["old"],
      alreadyDecommissioned: [],
      unknownHostIds: ["nope"],
    });
    const rejected = io(env);
    expect(await runCli(["host", "reject", "dup-1"], rejected.io), rejected.err.join("\n")).toBe(EXIT.ok);
    expect(rejected.out[0]).toContain("host dup-1 rejected");
    const merged = io(env);
    expect(await runCli(["host", "merge", "dup-2", "--json"], merged.io), merged.err.join("\n")).toBe(
      EXIT.ok,
    );
    expect(JSON.parse(merged.out[0] ?? "{}")).toMatchObject({ action: "merge", host: { id: "orig" } });
    const notDup = io(env);
    expect(await runCli(["host", "merge", "orig"], notDup.io)).toBe(EXIT.failed);
    expect(notDup.err.join("")).toContain("not a suspected duplicate");
    const check = await openDatabase({ dataDir: data });
    try {
      const states = (await check.db.select().from(hosts)).map((h) => [h.id, h.decommissionedAt !== null]);
      expect(states.sort()).toEqual([
        ["dup-1", true],
        ["dup-2", true],
        ["old", true],
        ["orig", false],
      ]);
    } finally {
      await check.close();
    }
  }, 120_000);

  // One server for both tests: nothing the first does changes what the second checks (a request
  // over TCP without the bearer is refused).
  describe("while a server holds the PGlite directory", () => {
    const live = join(dir, "live");
    let server: Awaited<ReturnType<typeof startServer>>;
    beforeAll(async () => {
      server = await startServer({
        config: loadConfig({
          PORT: "0",
          KDUMPWATCH_DATA_DIR: live,
          KDUMPWATCH_ADMIN_TOKEN: "admin-token-cli-test",
        }),
        log: silentLogger(),
        announce: () => {},
      });
    });
    afterAll(async () => server?.close());

    test("while a server holds the PGlite directory, token create, list and revoke go through its admin socket", async () => {
      const socket = join(live, "admin.sock");
      expect((statSync(socket).mode & 0o777).toString(8), "only root (the server's user) may connect").toBe(
        "600",
      );
      expect((statSync(live).mode & 0o777).toString(8)).toBe("700");

      const created = io({ KDUMPWATCH_DATA_DIR: live });
      expect(
        await runCli(["token", "create", "--uses", "2", "--json"], created.io),
        created.err.join("\n"),
      ).toBe(EXIT.ok);
      expect(created.out, "stdout holds the answer alone: one JSON line").toHaveLength(1);
      const { token, secret } = JSON.parse(created.out[0] ?? "{}");
      expect(secret).toMatch(/^kdwe_/);

      const listed = io({ KDUMPWATCH_DATA_DIR: live });
      expect(await runCli(["token", "list", "--json"], listed.io)).toBe(EXIT.ok);
      expect(JSON.parse(listed.out[0] ?? "{}").tokens).toMatchObject([
        { id: token.id, maxUses: 2, active: true },
      ]);

      const revoked = io({ KDUMPWATCH_DATA_DIR: live });
      expect(await runCli(["token", "revoke", token.id, "--json"], revoked.io)).toBe(EXIT.ok);
      expect(JSON.parse(revoked.out[0] ?? "{}")).toMatchObject({ id: token.id, active: false });
      const res = await fetch(`${server.url}/api/tokens`, {
        headers: { authorization: "Bearer admin-token-cli-test" },
      });
      expect(((await res.json()) as { tokens: unknown[] }).tokens[0]).toMatchObject({
        id: token.id,
        active: false,
      });

      const unknown = io({ KDUMPWATCH_DATA_DIR: live });
      expect(await runCli(["token", "revoke", "tok_nope"], unknown.io)).toBe(EXIT.failed);
      expect(unknown.err.join("\n")).toContain('token revoke: no token with id "tok_nope"');
      expect(unknown.out).toEqual([]);
    });

    test("the admin socket answers only on its own connection: the same request over TCP needs the bearer", async () => {
      expect((await fetch(`${server.url}/api/tokens`)).status).toBe(401);
    });
  });

  test("labels show, set and unset a host's labels, by id or by its unique hostname", async () => {
    const handle = await openDatabase({ dataDir: dir });
    const at = new Date();
    await handle.db.insert(hosts).values({
      id: "host-cli-1",
      machineId: "m-cli",
      hostname: "db-7",
      enrolledAt: at,
      lastSeenAt: at,
      verdictSince: at,
      staleClockAt: at,
      agentLabels: { team: "storage" },
      labels: { team: "storage" },
    });
    await handle.close();
    const set = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["labels", "set", "db-7", "site=par1,team=dba"], set.io), set.err.join("\n")).toBe(
      EXIT.ok,
    );
    expect(set.out).toEqual(["site=par1  (api)", "team=dba  (api)"]);
    const unset = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["labels", "unset", "host-cli-1", "team"], unset.io)).toBe(EXIT.ok);
    const shown = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["labels", "show", "db-7", "--json"], shown.io)).toBe(EXIT.ok);
    expect(JSON.parse(shown.out[0] ?? "{}")).toEqual({
      labels: { team: "storage", site: "par1" },
      agent: { team: "storage" },
      api: { site: "par1" },
    });
    const bad = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["labels", "set", "db-7", "host=x"], bad.io)).toBe(EXIT.usage);
    expect(bad.err.join("\n")).toContain("labels set: host:");
    const missing = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["labels", "show", "no-such-host"], missing.io)).toBe(EXIT.failed);
    expect(missing.err.join("\n")).toContain('no host with id or hostname "no-such-host"');
  });

  test("api-token create --scope metrics:read prints the secret once; list shows it; revoke ends it", async () => {
    const created = io({ KDUMPWATCH_DATA_DIR: dir });
    const argv = ["api-token", "create", "--scope", "metrics:read", "--label", "prometheus"];
    expect(await runCli(argv, created.io), created.err.join("\n")).toBe(EXIT.ok);
    const id = /^api token (\w+): scopes metrics:read$/.exec(created.out[0] ?? "")?.[1];
    expect(id, created.out.join("\n")).toBeDefined();
    expect(created.out[1]).toMatch(/^kdwr_/);
    const listed = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["api-token", "list", "--json"], listed.io)).toBe(EXIT.ok);
    expect(JSON.parse(listed.out[0] ?? "{}").tokens).toMatchObject([
      { id, scopes: ["metrics:read"], label: "prometheus" },
    ]);
    expect(listed.out.join(""), "no secret in the list").not.toContain("kdwr_");
    const revoked = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["api-token", "revoke", id!], revoked.io)).toBe(EXIT.ok);
    const noScope = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["api-token", "create"], noScope.io)).toBe(EXIT.usage);
    expect(noScope.err.join("\n")).toContain("--scope metrics:read");
  });

  test("without a running server, an unknown id exits 1 with a message, not 70", async () => {
    const r = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(["token", "revoke", "tok_nope"], r.io)).toBe(EXIT.failed);
    expect(r.err.join("\n")).toContain('no token with id "tok_nope"');
  });

  test.each([["--help"], ["help", "token", "create"], ["token", "revoke", "--help"], ["serve", "--help"]])(
    "%j prints help from the one definition and exits 0",
    async (...argv) => {
      const r = io();
      expect(await runCli(argv, r.io)).toBe(EXIT.ok);
      expect(r.out.join("\n")).toMatch(/kdumpwatch-server/);
    },
  );

  test.each([
    [["token", "create", "--ttl", "soon"], EXIT.usage, "--ttl"],
    [["token", "create", "--uses", "0"], EXIT.usage, "--uses"],
    [["token", "frobnicate"], EXIT.usage, "token"],
    [["token", "revoke"], EXIT.usage, "missing ID"],
    [["--no-such-flag"], EXIT.usage, "no-such-flag"],
    [["--port", "x"], EXIT.config, "PORT"],
  ])("%j exits %i naming %s", async (argv, status, word) => {
    const r = io({ KDUMPWATCH_DATA_DIR: dir });
    expect(await runCli(argv, r.io)).toBe(status);
    expect(r.err.join("\n")).toContain(word);
  });

  test("durations", () => {
    expect([parseDuration("24h"), parseDuration("30m"), parseDuration("7d"), parseDuration("90")]).toEqual([
      86_400, 1800, 604_800, 90,
    ]);
  });
});
