/**
 * CPU per enrollment alone (issue 13: enrollment group commit), without the first snapshot and its
 * judging that `ingest-cost.ts` counts with it: new agents open a WebSocket to the real built
 * server, send an enrolling `hello` with the fleet token and their own enroll key, wait for the
 * `welcome` and close. Two phases on one fresh PostgreSQL database:
 *   paced — one hello every 1000/rate ms (group commit has nobody to group);
 *   bursts — `burst` hellos at once, every second (what a connect storm offers it).
 * CPU = the server process (all threads) + this database's PostgreSQL backends, as in
 * ingest-cost.ts, less the idle rate measured first (× the phase's wall time).
 *
 *   npx tsx bench/enroll-cost.ts [--agents 300] [--rate 10] [--burst 50] [--out FILE]
 * (from test/, after `pnpm build`)
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import { WebSocket } from "ws";
import { printResult, runBench } from "./lib/bench-main.ts";
import { databaseUrl, dropDatabase, recreateDatabase } from "./lib/database.ts";
import { cpuSeconds, loadAverage, round } from "./lib/process-stats.ts";
import { BENCH_ENROLL_TOKEN, BenchServer } from "./lib/server-process.ts";

const DB = "kdw_perf_enroll";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "300" },
    rate: { type: "string", default: "10" },
    burst: { type: "string", default: "50" },
    port: { type: "string", default: "18495" },
    out: { type: "string" },
  },
});

const log = (line: string) =>
  process.stderr.write(`[enroll ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Admin = Awaited<ReturnType<typeof openDatabase>>;

/** CPU seconds of the server and of this database's backends so far (backends by pid). */
async function cpuNow(
  server: BenchServer,
  admin: Admin,
): Promise<{ server: number; pg: Map<number, number> }> {
  const res = await admin.db.execute(sql`select pid from pg_stat_activity where datname = ${DB}`);
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { pid: number }[];
  return {
    server: cpuSeconds(server.pid) ?? 0,
    pg: new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid) ?? 0])),
  };
}

async function measure(server: BenchServer, admin: Admin, work: () => Promise<void>) {
  const a = await cpuNow(server, admin);
  const t0 = performance.now();
  const load0 = loadAverage();
  await work();
  const wallSec = (performance.now() - t0) / 1000;
  const b = await cpuNow(server, admin);
  let pg = 0;
  for (const [pid, cpu] of b.pg) pg += cpu - (a.pg.get(pid) ?? 0);
  return {
    serverCpuSec: b.server - a.server,
    postgresCpuSec: pg,
    wallSec,
    load: [load0[0], loadAverage()[0]],
  };
}

let counter = 0;
/** One new agent: hello (enroll) → welcome; the outcome's name ("welcome", "retry", "error", …). */
function enrollOne(url: string): Promise<string> {
  const n = counter++;
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/agent/ws`, {
      localAddress: `127.0.${1 + Math.floor(n / 200)}.${2 + (n % 200)}`,
    });
    const done = (outcome: string) => {
      ws.removeAllListeners();
      ws.on("error", () => {});
      ws.close();
      resolve(outcome);
    };
    ws.on("open", () =>
      ws.send(
        JSON.stringify({
          v: 1,
          type: "hello",
          agentVersion: "0.1.0-bench",
          machineId: `bench-machine-${n}`,
          hostname: `bench-${n}`,
          auth: { kind: "enroll", token: BENCH_ENROLL_TOKEN, key: `bench-key-${n}` },
        }),
      ),
    );
    ws.on("message", (data) => done(String(JSON.parse(String(data)).type)));
    ws.on("error", () => done("socket error"));
    ws.on("close", () => done("closed"));
  });
}

async function main(): Promise<void> {
  const agents = Number(values.agents);
  const rate = Number(values.rate);
  const burst = Number(values.burst);
  const work = join(tmpdir(), "kdw-bench-enroll");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const url = await recreateDatabase(DB);
  const admin = await openDatabase({ url: databaseUrl("postgres"), migrate: false, poolSize: 1 });
  const server = await BenchServer.start({
    port: Number(values.port),
    databaseUrl: url,
    logFile: join(work, "server.log"),
    env: { KDUMPWATCH_LOG_LEVEL: "warn" },
  });
  const result: Record<string, unknown> = {
    command: `npx tsx bench/enroll-cost.ts ${process.argv.slice(2).join(" ")}`.trim(),
    agents,
    loadBefore: loadAverage(),
  };
  try {
    await sleep(15_000); // the first ticks' lazy compilation is paid once, not per enrollment
    const idle = await measure(server, admin, () => sleep(10_000));
    const idleCores = (idle.serverCpuSec + idle.postgresCpuSec) / idle.wallSec;
    const idleServerCores = idle.serverCpuSec / idle.wallSec;
    result.idle = { ...idle, cores: round(idleCores, 4) };
    log(`idle: ${JSON.stringify(result.idle)}`);
    const phase = async (name: string, run: (outcomes: string[]) => Promise<void>) => {
      const outcomes: string[] = [];
      const m = await measure(server, admin, () => run(outcomes));
      const server_ = Math.max(0, m.serverCpuSec - idleServerCores * m.wallSec);
      const pg = Math.max(0, m.postgresCpuSec - (idleCores - idleServerCores) * m.wallSec);
      const tally: Record<string, number> = {};
      for (const o of outcomes) tally[o] = (tally[o] ?? 0) + 1;
      result[name] = {
        ...m,
        outcomes: tally,
        cpuMsPerEnrollment: round(((server_ + pg) * 1000) / agents, 2),
        serverCpuMsPerEnrollment: round((server_ * 1000) / agents, 2),
        postgresCpuMsPerEnrollment: round((pg * 1000) / agents, 2),
      };
      log(`${name}: ${JSON.stringify(result[name])}`);
      await sleep(5_000);
    };
    await phase("paced", async (outcomes) => {
      const pending: Promise<void>[] = [];
      for (let i = 0; i < agents; i++) {
        pending.push(enrollOne(server.url).then((o) => void outcomes.push(o)));
        await sleep(1000 / rate);
      }
      await Promise.all(pending);
    });
    await phase("bursts", async (outcomes) => {
      for (let i = 0; i < agents; i += burst) {
        const started = performance.now();
        const group = Array.from({ length: Math.min(burst, agents - i) }, () => enrollOne(server.url));
        for (const o of await Promise.all(group)) outcomes.push(o);
        await sleep(Math.max(0, 1000 - (performance.now() - started)));
      }
    });
  } finally {
    result.loadAfter = loadAverage();
    await server.stop();
    await admin.close();
    await dropDatabase(DB);
  }
  printResult(result, values.out);
}

runBench(main);
