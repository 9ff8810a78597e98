/**
 * A short simulator run against the real built server process on PGlite (a temp dir): correctness,
 * not speed. A few hundred distinct hosts enroll through the agent's own client, change their
 * evidence for a few seconds, and the server must end up holding exactly what they sent.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FleetSummarySchema, HostListSchema, type HostSummary } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { copyTemplateInto } from "../e2e/support/pglite-copy.ts";
import { testNodeFlags } from "../node-flags.ts";

const TEST_DIR = resolve(import.meta.dirname, "..");
const SERVER_BUNDLE = resolve(TEST_DIR, "../apps/server/dist/kdumpwatch-server.mjs");
const TSX = resolve(TEST_DIR, "node_modules/.bin/tsx");
const ENROLL_TOKEN = "sim-test-enroll-token";
const ADMIN_TOKEN = "sim-test-admin-token";
const AGENTS = 240;

interface SimResult {
  agents: number;
  connected: number;
  snapshotsAcked: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  errors: number;
  snapshotsSent: number;
  changes: number;
  errorKinds: Record<string, number>;
  verdicts: Record<string, number>;
  unsettled: number;
}

let dataDir = "";
let server: ChildProcess | null = null;
let baseUrl = "";
let serverOutput = "";

function startServer(): Promise<string> {
  if (!existsSync(SERVER_BUNDLE)) {
    throw new Error(
      `${SERVER_BUNDLE} is missing: build it first with \`pnpm --filter @kdumpwatch/server build\``,
    );
  }
  dataDir = mkdtempSync(join(tmpdir(), "kdw-sim-test-"));
  copyTemplateInto(dataDir); // the run's migrated PGlite directory (e2e/support/pglite-template.ts)
  const { DATABASE_URL: _external, ...env } = process.env;
  const child = spawn(process.execPath, [...testNodeFlags, SERVER_BUNDLE], {
    env: {
      ...env,
      HOST: "127.0.0.1",
      PORT: "0",
      KDUMPWATCH_DATA_DIR: dataDir,
      KDUMPWATCH_ENROLL_TOKEN: ENROLL_TOKEN,
      KDUMPWATCH_ADMIN_TOKEN: ADMIN_TOKEN,
      KDUMPWATCH_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  return new Promise((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      serverOutput += chunk.toString();
      const m = /kdumpwatch-server listening on (\S+)/.exec(serverOutput);
      if (m?.[1]) resolveUrl(m[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`server exited (${code}) before listening:\n${serverOutput}`)),
    );
  });
}

function runSim(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(TSX, ["sim/main.ts", ...args], { cwd: TEST_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 110_000);
    child.on("exit", (status) => {
      clearTimeout(killer);
      resolveRun({ status, stdout, stderr });
    });
  });
}

async function api(path: string): Promise<unknown> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = await res.text();
  expect(res.status, `${path}: ${body}`).toBe(200);
  return JSON.parse(body);
}

async function allHosts(): Promise<HostSummary[]> {
  const hosts: HostSummary[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const list = HostListSchema.parse(await api(`/api/hosts?limit=100${query}`));
    hosts.push(...list.hosts);
    cursor = list.nextCursor;
    if (cursor === null) break;
  }
  return hosts;
}

describe("fleet simulator against the real server on PGlite", () => {
  let result: SimResult;
  let simLog = "";

  beforeAll(async () => {
    baseUrl = await startServer();
    const run = await runSim([
      "--server",
      baseUrl,
      "--enroll-token",
      ENROLL_TOKEN,
      "--agents",
      String(AGENTS),
      // 3 s: 240 hosts × a 0.1/s change rate make ≈ 70 changes, all the tests need (6 s was half
      // of the file's time, in the run's one-at-a-time tail)
      "--duration",
      "3",
      "--change-rate",
      "0.1",
      "--seed",
      "20261126",
      "--workers",
      "1",
      "--progress",
      "json",
      "--progress-every",
      "1",
    ]);
    simLog = `exit ${run.status}\n--- stderr\n${run.stderr}\n--- stdout\n${run.stdout}`;
    const last = run.stdout.trim().split("\n").at(-1) ?? "";
    result = JSON.parse(last) as SimResult;
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server?.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("every simulated agent connects and ends with its latest evidence acknowledged, without errors", () => {
    expect(result.agents, simLog).toBe(AGENTS);
    expect(result.errors, `${JSON.stringify(result.errorKinds)}\n${simLog}`).toBe(0);
    expect(result.connected, simLog).toBe(AGENTS);
    expect(result.unsettled, `hosts whose latest change was not acknowledged\n${simLog}`).toBe(0);
    expect(result.changes, "the run changed hosts' evidence").toBeGreaterThan(0);
  });

  test("every snapshot sent is acknowledged: one per host, plus one per change of evidence", () => {
    expect(result.snapshotsAcked, simLog).toBe(result.snapshotsSent);
    // changes reach the server as new snapshots; how many depends on timing (a change made before a
    // host's first snapshot, or while a collection runs, is folded into it), so the exact count is not
    // asserted — that every host's latest change was acknowledged is (`unsettled` above)
    expect(
      result.snapshotsAcked,
      `the changes reached the server as new snapshots\n${simLog}`,
    ).toBeGreaterThan(AGENTS);
    expect(result.ackP50Ms, simLog).not.toBeNull();
  });

  test("the server lists every simulated host exactly once, none stale", async () => {
    const hosts = await allHosts();
    expect(hosts.length, `hosts listed by /api/hosts\n${simLog}`).toBe(AGENTS);
    expect(new Set(hosts.map((h) => h.id)).size, "distinct host ids").toBe(AGENTS);
    expect(new Set(hosts.map((h) => h.machineId)).size, "distinct machine-ids").toBe(AGENTS);
    expect(new Set(hosts.map((h) => h.hostname)).size, "distinct hostnames").toBe(AGENTS);
    expect(
      hosts.filter((h) => h.stale).map((h) => h.hostname),
      "stale hosts",
    ).toEqual([]);
    expect(hosts.filter((h) => h.duplicateOf !== null).length, "duplicates").toBe(0);
    expect(new Set(hosts.map((h) => h.ramBytes)).size, "RAM sizes vary from host to host").toBeGreaterThan(3);
  });

  test("the fleet summary counts exactly the verdicts the simulator generated, with a realistic mix", async () => {
    const summary = FleetSummarySchema.parse(await api("/api/fleet/summary"));
    expect(summary.total, JSON.stringify(summary)).toBe(AGENTS);
    expect(summary.verdicts, `server summary vs simulator\n${simLog}`).toEqual(result.verdicts);
    expect(summary.stale).toBe(0);
    expect(summary.duplicates).toBe(0);
    for (const verdict of ["ready", "at_risk", "not_ready"]) {
      expect(
        result.verdicts[verdict],
        `some hosts are ${verdict}: ${JSON.stringify(result.verdicts)}`,
      ).toBeGreaterThan(0);
    }
    expect(result.verdicts.ready ?? 0, "most hosts are ready").toBeGreaterThan(AGENTS / 2);
  });
});
