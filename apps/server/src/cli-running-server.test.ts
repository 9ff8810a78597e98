/**
 * `labels …` and `api-token …` while a server process holds the PGlite data directory: they go
 * through its admin channel (`<dataDir>/admin.sock`) and answer exactly as they do on the database
 * directly when no server runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hosts, openDatabase } from "@kdumpwatch/db";
import { HOST_LABELS_MAX } from "@kdumpwatch/protocol";
import { seedPgliteDataDir } from "@kdumpwatch/testkit/db";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXIT, runCli } from "./cli.ts";

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_TOKEN = "admin-token-cli-running-server";

interface Run {
  argv: string[];
  status: number;
  out: string[];
  err: string[];
}

async function cli(dataDir: string, argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { KDUMPWATCH_DATA_DIR: dataDir, KDUMPWATCH_LOG_LEVEL: "silent" },
  });
  return { argv, status, out, err };
}

/** The same hosts in each data directory: ids and hostnames the commands name. */
async function seed(dataDir: string): Promise<void> {
  // from the migrated image: no initdb and no migrations (seconds), as a directory already in use
  await seedPgliteDataDir(dataDir);
  const handle = await openDatabase({ dataDir });
  const at = new Date();
  const row = (id: string, hostname: string, extra: Partial<typeof hosts.$inferInsert> = {}) => ({
    id,
    machineId: `m-${id}`,
    hostname,
    enrolledAt: at,
    lastSeenAt: at,
    verdictSince: at,
    staleClockAt: at,
    ...extra,
  });
  try {
    await handle.db.insert(hosts).values([
      row("host-a", "db-7", { agentLabels: { team: "storage" }, labels: { team: "storage" } }),
      // `q` finds these too (case-insensitive substrings): only the exact hostname names a host
      row("host-b", "db-70"),
      row("host-c", "DB-7"),
      row("host-d", "twin"),
      row("host-e", "twin"),
      row("host-f", "gone", { decommissionedAt: at }),
    ]);
  } finally {
    await handle.close();
  }
}

/** Every verb, in an order where each sees the previous one's effect. */
async function script(dataDir: string): Promise<Run[]> {
  const runs: Run[] = [];
  const run = async (...argv: string[]) => {
    const r = await cli(dataDir, argv);
    runs.push(r);
    return r;
  };
  await run("labels", "set", "db-7", "site=par1,team=dba");
  await run("labels", "unset", "host-a", "team", "--json");
  await run("labels", "show", "db-7");
  await run("labels", "show", "host-a", "--json");
  await run("labels", "set", "gone", "role=old", "--json");
  await run("labels", "show", "DB-7");
  await run("labels", "show", "twin");
  await run("labels", "show", "no-such-host");
  await run("labels", "unset", "no-such-host", "team");
  await run("labels", "set", "db-7", "host=x");
  const many = Array.from({ length: HOST_LABELS_MAX }, (_, i) => `l${i}=v`).join(",");
  await run("labels", "set", "db-7", many);
  const created = await run("api-token", "create", "--scope", "metrics:read", "--label", "prometheus");
  await run("api-token", "create", "--scope", "metrics:read", "--json");
  await run("api-token", "list");
  await run("api-token", "list", "--json");
  const id = /^api token (\S+):/.exec(created.out[0] ?? "")?.[1] ?? "";
  await run("api-token", "revoke", id);
  await run("api-token", "revoke", id, "--json");
  await run("api-token", "revoke", "tok_nope");
  await run("api-token", "create");
  return runs;
}

/** Token ids, secrets and times differ from one directory to the other: named by order of appearance. */
function normalise(runs: Run[]): Run[] {
  const names = new Map<string, string>();
  const name = (kind: string) => (text: string) => {
    if (!names.has(text)) names.set(text, `<${kind}${names.size}>`);
    return names.get(text) as string;
  };
  const fix = (line: string) =>
    line
      .replace(/kdwr_[A-Za-z0-9_-]+/g, name("secret"))
      .replace(/\b[0-9a-f]{12}\b/g, name("id"))
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>");
  return runs.map((r) => ({ ...r, argv: r.argv.map(fix), out: r.out.map(fix), err: r.err.map(fix) }));
}

function startServerProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  // `--liftoff-only` as the project's own workers (vitest.config.ts; test/node-flags.ts says why): a
  // server that lives seconds does not earn back V8's optimising compile of PGlite's WebAssembly
  const child = spawn(process.execPath, ["--liftoff-only", "--import", "tsx", "src/main.ts", "serve"], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      KDUMPWATCH_DATA_DIR: dataDir,
      KDUMPWATCH_ADMIN_TOKEN: ADMIN_TOKEN,
      KDUMPWATCH_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /kdumpwatch-server listening on (\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) =>
      reject(new Error(`the server exited (${code}) before listening:\n${output}`)),
    );
  });
}

describe("labels and api-token commands while a server process holds the PGlite directory", () => {
  const root = mkdtempSync(join(tmpdir(), "kdw-cli-live-"));
  const stopped = join(root, "stopped");
  const running = join(root, "running");
  let server: { child: ChildProcess; url: string } | undefined;

  beforeAll(async () => {
    await seed(stopped);
    // the same closed directory, byte for byte (a PGlite open and the inserts cost ~1 s of CPU)
    cpSync(stopped, running, { recursive: true });
    server = await startServerProcess(running);
  }, 120_000);

  afterAll(async () => {
    const child = server?.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  test("every verb answers as it does on the database directly, with the same statuses and messages", async () => {
    const direct = await script(stopped);
    const live = await script(running);

    // what the script must show, on the database directly
    const by = (runs: Run[], ...argv: string[]) =>
      runs.find((r) => r.argv.join(" ") === argv.join(" ")) as Run;
    expect(by(direct, "labels", "set", "db-7", "site=par1,team=dba")).toMatchObject({
      status: EXIT.ok,
      out: ["site=par1  (api)", "team=dba  (api)"],
    });
    expect(JSON.parse(by(direct, "labels", "show", "host-a", "--json").out[0] ?? "")).toEqual({
      labels: { team: "storage", site: "par1" },
      agent: { team: "storage" },
      api: { site: "par1" },
    });
    expect(by(direct, "labels", "set", "gone", "role=old", "--json").status).toBe(EXIT.ok);
    expect(by(direct, "labels", "show", "DB-7").out).toEqual(["(no labels)"]);
    expect(by(direct, "labels", "show", "twin")).toMatchObject({ status: EXIT.failed, out: [] });
    expect(by(direct, "labels", "show", "twin").err.join("\n")).toContain('several hosts are named "twin"');
    expect(by(direct, "labels", "show", "no-such-host")).toMatchObject({
      status: EXIT.failed,
      out: [],
      err: ['kdumpwatch-server: labels show: no host with id or hostname "no-such-host"'],
    });
    expect(by(direct, "labels", "unset", "no-such-host", "team").status).toBe(EXIT.failed);
    expect(by(direct, "labels", "set", "db-7", "host=x").status).toBe(EXIT.usage);
    const many = direct.find((r) => r.argv[3]?.startsWith("l0=")) as Run;
    expect(many.status).toBe(EXIT.failed);
    expect(many.err.join("\n")).toContain(`at most ${HOST_LABELS_MAX} labels`);
    const unknownToken = by(direct, "api-token", "revoke", "tok_nope");
    expect(unknownToken).toMatchObject({ status: EXIT.failed, out: [] });
    expect(unknownToken.err.join("\n")).toContain('api-token revoke: no api token with id "tok_nope"');
    expect(by(direct, "api-token", "create").status).toBe(EXIT.usage);
    expect(
      direct.filter((r) => r.status === EXIT.internal),
      "no internal error",
    ).toEqual([]);

    // the same, through the running server
    expect(normalise(live)).toEqual(normalise(direct));
    expect(live.filter((r) => r.argv[0] === "api-token" && r.status === EXIT.ok)).toHaveLength(6);
  }, 120_000);

  test("the server itself holds the changes (the commands did not touch another copy of the data)", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${server?.url}${path}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(200);
      return res.json();
    };
    expect(await get("/api/hosts/host-a/labels")).toEqual({
      labels: { team: "storage", site: "par1" },
      agent: { team: "storage" },
      api: { site: "par1" },
    });
    expect(await get("/api/hosts/host-f/labels")).toMatchObject({ api: { role: "old" } });
    const { tokens } = (await get("/api/api-tokens")) as {
      tokens: { label: string | null; revokedAt: string | null }[];
    };
    expect(tokens.map((t) => [t.label, t.revokedAt !== null]).sort()).toEqual([
      [null, false],
      ["prometheus", true],
    ]);
  });
});
