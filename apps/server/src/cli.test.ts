import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
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

  test("while a server holds the PGlite directory, a token command fails clearly", async () => {
    const server = await startServer({
      config: loadConfig({
        PORT: "0",
        KDUMPWATCH_DATA_DIR: dir,
        KDUMPWATCH_ADMIN_TOKEN: "admin-token-cli-test",
      }),
      log: silentLogger(),
      announce: () => {},
    });
    try {
      const busy = io({ KDUMPWATCH_DATA_DIR: dir });
      expect(await runCli(["token", "list"], busy.io)).toBe(EXIT.internal);
      expect(busy.err.join("\n")).toMatch(/in use by process \d+/);
    } finally {
      await server.close();
    }
  });

  test.each([
    [["token", "create", "--ttl", "soon"], EXIT.usage, "--ttl"],
    [["token", "create", "--uses", "0"], EXIT.usage, "--uses"],
    [["token", "frobnicate"], EXIT.usage, "token"],
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
