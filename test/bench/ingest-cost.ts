/**
 * CPU per unit of ingest work, measured as CPU time (not wall time) so that a machine shared with
 * other work still gives comparable figures (issue 13's first three rows):
 *   0. idle: the server up, no agent enrolled yet — its fixed work (liveness beat, leader jobs,
 *      alerting ticks), which a fleet of any size pays once and must not be charged per heartbeat;
 *   1. enrollment + first snapshot: N new agents ramped over R seconds (no storm: nothing times out);
 *   2. a quiet fleet: the same agents connected, heartbeats only (KDUMPWATCH_HEARTBEAT=5 here, to
 *      get many beats in a short window);
 *   3. changed snapshots: the fleet reconnects and hosts change at a steady offered rate;
 *   4. connected but silent: the server restarted with a 3600 s heartbeat, the fleet reconnected:
 *      only ws pings (each side pings every 30 s). quiet − silent = the heartbeats alone, silent −
 *      enrolled idle = the connections;
 *   5. enrolled idle: the fleet disconnected, its hosts still enrolled: the fixed work at this many
 *      hosts. A quiet fleet of 10,000 = enrolled idle + 10,000 connections + 333 beats/s.
 * CPU = the server process (all its threads, /proc/PID/stat) + this database's PostgreSQL backends
 * (pg_stat_activity → /proc/PID/stat). PostgreSQL's shared background processes (WAL writer,
 * checkpointer) are left out: the server at 5432 is shared with other work. With `--driver pglite`
 * the database runs inside the server process (embedded PGlite in a fresh data directory), so the
 * server's CPU is the whole figure and the PostgreSQL column is 0.
 *
 *   npx tsx bench/ingest-cost.ts [--agents 600] [--ramp 60] [--idle 30] [--quiet 30] [--rate 0.1] [--measure 40]
 *                                [--judge-workers 2] [--stop-after enroll] [--warm N] [--driver postgres|pglite]
 *                                [--out results/ingest-cost.json]
 * (from test/, after `pnpm build`)
 * `--stop-after enroll` ends the run (and the server) right after phase 1: with KDW_BENCH_CPU_PROF the
 * profile's last seconds are then that phase (profile-summary.ts --last SEC). When the PostgreSQL
 * of KDUMPWATCH_BENCH_PG has pg_stat_statements (preloaded, the extension created in its `postgres`
 * database), phase 1 also reports its statements per new agent: calls and execution time.
 * `--warm N` enrolls N other agents (another seed) at 10/s and disconnects them before phase 1, so
 * that phase 1 meets a server whose judge workers are started and whose code the JIT has optimised
 * (a server that has been up for a while) instead of a fresh process; the issue's figure is without.
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import type { ProgressWindow } from "../sim/run-stats.ts";
import { printResult, runBench } from "./lib/bench-main.ts";
import { databaseUrl, dropDatabase, recreateDatabase } from "./lib/database.ts";
import { cpuSeconds, loadAverage, round } from "./lib/process-stats.ts";
import { BENCH_ADMIN_TOKEN, BENCH_ENROLL_TOKEN, BenchServer } from "./lib/server-process.ts";
import { fleetArgs, startSim, waitForProgress } from "./lib/sim-process.ts";

const DB = "kdw_perf_cost";
/** the server's ws ping sweep (apps/server/src/ws/gateway.ts PING_EVERY_MS): one ping per socket */
const PING_EVERY_SEC = 30;
/** the target fleet: 10,000 agents beating every 30 s (the default) = 333 beats/s */
const FLEET_BEATS_PER_SEC = 10_000 / 30;

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "600" },
    ramp: { type: "string", default: "60" },
    idle: { type: "string", default: "30" },
    quiet: { type: "string", default: "30" },
    rate: { type: "string", default: "0.1" },
    measure: { type: "string", default: "40" },
    "judge-workers": { type: "string" },
    "stop-after": { type: "string" },
    warm: { type: "string", default: "0" },
    driver: { type: "string", default: "postgres" },
    port: { type: "string", default: "18490" },
    out: { type: "string" },
  },
});

type Admin = Awaited<ReturnType<typeof openDatabase>>;

const log = (line: string) =>
  process.stderr.write(`[cost ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/**
 * CPU seconds of this database's backends, by pid (backends that exited meanwhile are lost); none
 * on PGlite, which runs inside the server process.
 */
async function backendCpu(admin: Admin | null): Promise<Map<number, number>> {
  if (admin === null) return new Map();
  const res = await admin.db.execute(sql`select pid from pg_stat_activity where datname = ${DB}`);
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { pid: number }[];
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid) ?? 0]));
}

interface Meter {
  stop(): Promise<{
    serverCpuSec: number;
    /** the server's event-loop thread alone (the rest: judge workers, GC and libuv threads) */
    serverMainThreadCpuSec: number;
    postgresCpuSec: number;
    wallSec: number;
    load: number[];
  }>;
}

async function meter(server: BenchServer, admin: Admin | null): Promise<Meter> {
  const server0 = cpuSeconds(server.pid) ?? 0;
  const main0 = cpuSeconds(server.pid, server.pid) ?? 0;
  const pg0 = await backendCpu(admin);
  const t0 = performance.now();
  return {
    async stop() {
      const serverCpuSec = (cpuSeconds(server.pid) ?? 0) - server0;
      const pg1 = await backendCpu(admin);
      let postgresCpuSec = 0;
      for (const [pid, cpu] of pg1) postgresCpuSec += cpu - (pg0.get(pid) ?? 0);
      return {
        serverCpuSec: round(serverCpuSec, 2),
        serverMainThreadCpuSec: round((cpuSeconds(server.pid, server.pid) ?? 0) - main0, 2),
        postgresCpuSec: round(postgresCpuSec, 2),
        wallSec: round((performance.now() - t0) / 1000, 1),
        load: loadAverage(),
      };
    },
  };
}

const rowsOf = <T>(res: unknown) => (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as T[];

/** pg_stat_statements' counters zeroed, or false when the extension is not there (or on PGlite). */
async function resetStatements(admin: Admin | null): Promise<boolean> {
  if (admin === null) return false;
  const res = await admin.db.execute(sql`select 1 from pg_extension where extname = 'pg_stat_statements'`);
  if (rowsOf(res).length === 0) return false;
  await admin.db.execute(sql`select pg_stat_statements_reset()`);
  return true;
}

/** This database's statements since the reset, per `unit` (a new agent): calls and execution ms. */
async function statementsPer(admin: Admin, unit: number) {
  const res = await admin.db.execute(sql`
    select s.query, s.calls::int as calls, s.total_exec_time as ms, s.rows::int as rows
    from pg_stat_statements s join pg_database d on d.oid = s.dbid
    where d.datname = ${DB} order by s.total_exec_time desc`);
  const rows = rowsOf<{ query: string; calls: number; ms: number; rows: number }>(res);
  return {
    callsPerAgent: round(rows.reduce((n, r) => n + r.calls, 0) / unit, 2),
    execMsPerAgent: round(rows.reduce((n, r) => n + r.ms, 0) / unit, 3),
    top: rows.slice(0, 40).map((r) => ({
      query: r.query.replace(/\s+/g, " ").slice(0, 160),
      callsPerAgent: round(r.calls / unit, 2),
      execMsPerAgent: round(r.ms / unit, 3),
      rows: r.rows,
    })),
  };
}

/** heartbeat frames the server has counted (`/metrics`), to check that a silent fleet is silent */
async function heartbeatFrames(server: BenchServer): Promise<number> {
  const res = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
  });
  const text = await res.text();
  let n = 0;
  for (const m of text.matchAll(/^kdumpwatch_ingest_frames_total\{[^}]*type="heartbeat"[^}]*\} (\d+)/gm)) {
    n += Number(m[1]);
  }
  return n;
}

const sumAcked = (windows: readonly ProgressWindow[]) => windows.reduce((n, w) => n + w.acked, 0);

async function main(): Promise<void> {
  const agents = Number(values.agents);
  const ramp = Number(values.ramp);
  const work = join(tmpdir(), "kdw-bench-cost");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const stateFile = join(work, "fleet.json");
  const pglite = values.driver === "pglite";
  if (!pglite && values.driver !== "postgres")
    throw new Error(`--driver ${values.driver}: postgres or pglite`);
  // PGlite: one data directory for both server starts (phase 4 restarts the server on it)
  const dataDir = join(work, "pglite");
  const url = pglite ? null : await recreateDatabase(DB);
  const admin = pglite
    ? null
    : await openDatabase({ url: databaseUrl("postgres"), migrate: false, poolSize: 1 });
  const startServer = (heartbeatSec: number) =>
    BenchServer.start({
      port: Number(values.port),
      ...(url === null ? { dataDir } : { databaseUrl: url }),
      logFile: join(work, "server.log"),
      env: {
        KDUMPWATCH_HEARTBEAT: String(heartbeatSec),
        KDUMPWATCH_LOG_LEVEL: "warn",
        ...(values["judge-workers"] ? { KDUMPWATCH_JUDGE_WORKERS: values["judge-workers"] } : {}),
      },
    });
  let server = await startServer(5);
  const simArgs = ["--server", server.url, "--enroll-token", BENCH_ENROLL_TOKEN, "--agents", String(agents)];
  const result: Record<string, unknown> = {
    command: `npx tsx bench/ingest-cost.ts ${process.argv.slice(2).join(" ")}`.trim(),
    driver: pglite ? "pglite" : "postgres",
    agents,
    loadBefore: loadAverage(),
  };
  try {
    // 0. idle: nothing enrolled, nothing connected; 15 s after "listening", so that the lazy
    // compilation of the first ticks (paid once per process) is not counted as idle work
    await new Promise((r) => setTimeout(r, 15_000));
    let m = await meter(server, admin);
    await new Promise((r) => setTimeout(r, Number(values.idle) * 1000));
    const idle = await m.stop();
    const idleCores = (idle.serverCpuSec + idle.postgresCpuSec) / idle.wallSec;
    result.idle = {
      ...idle,
      cores: round(idleCores, 4),
      serverCores: round(idle.serverCpuSec / idle.wallSec, 4),
      postgresCores: round(idle.postgresCpuSec / idle.wallSec, 4),
    };
    log(`idle: ${JSON.stringify(result.idle)}`);

    const warm = Number(values.warm);
    if (warm > 0) {
      // a wave of other hosts first (a random seed, no state file), not measured
      const warmFleet = startSim(
        [
          "--server",
          server.url,
          "--enroll-token",
          BENCH_ENROLL_TOKEN,
          "--agents",
          String(warm),
          "--ramp",
          String(Math.ceil(warm / 10)),
          "--duration",
          "0",
          "--interval",
          "3600",
        ],
        { logFile: join(work, "sim-warm.log") },
      );
      await waitForProgress(warmFleet, (p) => p.everAcked >= warm, (warm / 10 + 600) * 1000);
      warmFleet.interrupt();
      await warmFleet.result.catch(() => null);
      await new Promise((r) => setTimeout(r, 10_000));
      result.warmedWith = warm;
      log(`warmed with ${warm} other agents`);
    }

    // 1. enrollment + first snapshot
    const statements = await resetStatements(admin);
    m = await meter(server, admin);
    const fleet = startSim(
      [
        ...simArgs,
        "--ramp",
        String(ramp),
        "--duration",
        "0",
        "--interval",
        "3600",
        "--state-file",
        stateFile,
      ],
      { logFile: join(work, "sim-enroll.log") },
    );
    const allIn = await waitForProgress(fleet, (p) => p.everAcked >= agents, (ramp + 600) * 1000);
    const enroll = await m.stop();
    const errorsEnroll = fleet.progress.at(-1)?.errors ?? 0;
    result.enroll = {
      ...enroll,
      allAckedAtSec: allIn?.t ?? null,
      errors: errorsEnroll,
      cpuMsPerAgent: round(((enroll.serverCpuSec + enroll.postgresCpuSec) * 1000) / agents, 2),
      serverCpuMsPerAgent: round((enroll.serverCpuSec * 1000) / agents, 2),
      serverMainThreadCpuMsPerAgent: round((enroll.serverMainThreadCpuSec * 1000) / agents, 2),
      // the part of the figure above that the server and its backends spend anyway (idle rate ×
      // this phase's wall time, the simulator's start included); the figure itself keeps it
      idleCpuMsPerAgent: round((idleCores * enroll.wallSec * 1000) / agents, 2),
    };
    log(`enroll: ${JSON.stringify(result.enroll)}`);
    if (statements && admin !== null) {
      result.enrollStatements = await statementsPer(admin, agents);
      log(`enroll statements: ${JSON.stringify(result.enrollStatements)}`);
    }
    if (values["stop-after"] === "enroll") {
      fleet.interrupt();
      await fleet.result.catch(() => null);
      result.loadAfter = loadAverage();
      printResult(result, values.out); // the server is stopped and the database dropped below
      return;
    }

    // 2. quiet fleet: heartbeats every 5 s
    await new Promise((r) => setTimeout(r, 10_000));
    m = await meter(server, admin);
    const quietSec = Number(values.quiet);
    await new Promise((r) => setTimeout(r, quietSec * 1000));
    const quiet = await m.stop();
    const beats = (agents / 5) * quiet.wallSec;
    const perBeatMs = ((quiet.serverCpuSec + quiet.postgresCpuSec) * 1000) / beats;
    // the fixed idle work is paid once whatever the fleet's size: taken out before dividing
    const idleCpuSec = idleCores * quiet.wallSec;
    const marginalMs = ((quiet.serverCpuSec + quiet.postgresCpuSec - idleCpuSec) * 1000) / beats;
    const serverMarginalMs =
      ((quiet.serverCpuSec - (idle.serverCpuSec / idle.wallSec) * quiet.wallSec) * 1000) / beats;
    // one ws ping per socket per PING_EVERY_SEC rides in the quiet phase too: at 5 s heartbeats that
    // is 1 ping per 6 beats, at the fleet's 30 s heartbeats 1 per beat
    const pingsPerBeatHere = 5 / PING_EVERY_SEC;
    result.quiet = {
      ...quiet,
      heartbeats: Math.round(beats),
      // old figure, idle work included (kept for comparison with earlier runs)
      cpuMsPerHeartbeat: round(perBeatMs, 3),
      coresAt10kAgents30s: round((perBeatMs * FLEET_BEATS_PER_SEC) / 1000, 3),
      // honest figure: idle cores + 333 beats/s × marginal CPU per beat (quiet minus idle)
      idleCores: round(idleCores, 4),
      marginalCpuMsPerHeartbeat: round(marginalMs, 3),
      serverMarginalCpuMsPerHeartbeat: round(serverMarginalMs, 3),
      marginalCoresAt10kAgents30s: round((marginalMs * FLEET_BEATS_PER_SEC) / 1000, 4),
      pingsPerHeartbeat: round(pingsPerBeatHere, 3),
      coresAt10kAgents30sIdleIncluded: round(idleCores + (marginalMs * FLEET_BEATS_PER_SEC) / 1000, 4),
    };
    log(`quiet: ${JSON.stringify(result.quiet)}`);
    fleet.interrupt();
    await fleet.result.catch(() => null);

    // 3. changed snapshots at a steady rate
    const changes = startSim([...simArgs, ...fleetArgs({ stateFile, ramp: 10, changeRate: values.rate })], {
      logFile: join(work, "sim-changes.log"),
    });
    await waitForProgress(changes, (p) => p.everAcked >= agents, 600_000);
    await new Promise((r) => setTimeout(r, 8_000));
    const from = changes.progress.length;
    m = await meter(server, admin);
    await new Promise((r) => setTimeout(r, Number(values.measure) * 1000));
    const changed = await m.stop();
    const windows = changes.progress.slice(from);
    const acked = sumAcked(windows);
    // heartbeats keep going meanwhile: their cost, measured above, is taken out
    const beatCpu = (perBeatMs * (agents / 5) * changed.wallSec) / 1000;
    const p99 = windows.map((w) => w.ackP99Ms ?? 0).sort((a, b) => a - b);
    result.changed = {
      ...changed,
      offeredPerSec: agents * Number(values.rate),
      acked,
      ackedPerSec: round(acked / changed.wallSec, 1),
      worstWindowAckP99Ms: p99.at(-1) ?? null,
      errors: (windows.at(-1)?.errors ?? 0) - (windows[0]?.errors ?? 0),
      cpuMsPerSnapshot: round(((changed.serverCpuSec + changed.postgresCpuSec - beatCpu) * 1000) / acked, 2),
      serverCpuMsPerSnapshot: round((changed.serverCpuSec * 1000) / acked, 2),
    };
    log(`changed: ${JSON.stringify(result.changed)}`);
    changes.interrupt();
    await changes.result.catch(() => null);

    // 4. connected but silent: the same server restarted with a 3600 s heartbeat, so the fleet
    // reconnects and then sends nothing but ws pings (and answers the server's), both every 30 s
    await server.stop();
    server = await startServer(3600);
    const silentFleet = startSim(
      [...simArgs, "--ramp", "10", "--duration", "0", "--interval", "3600", "--state-file", stateFile],
      { logFile: join(work, "sim-silent.log") },
    );
    await waitForProgress(silentFleet, (p) => p.everAcked >= agents, 600_000);
    await new Promise((r) => setTimeout(r, 10_000));
    const beats0 = await heartbeatFrames(server);
    m = await meter(server, admin);
    await new Promise((r) => setTimeout(r, quietSec * 1000));
    const silent = await m.stop();
    const silentBeats = (await heartbeatFrames(server)) - beats0;
    const silentCores = (silent.serverCpuSec + silent.postgresCpuSec) / silent.wallSec;
    silentFleet.interrupt();
    await silentFleet.result.catch(() => null);

    // 5. the same server with the hosts enrolled but nobody connected: the fixed work that grows
    // with the hosts table (stale sweeper, alert tick) rather than with the sockets
    await new Promise((r) => setTimeout(r, 5_000));
    m = await meter(server, admin);
    await new Promise((r) => setTimeout(r, Number(values.idle) * 1000));
    const enrolled = await m.stop();
    const enrolledCores = (enrolled.serverCpuSec + enrolled.postgresCpuSec) / enrolled.wallSec;
    result.enrolledIdle = { ...enrolled, hosts: agents, cores: round(enrolledCores, 4) };
    log(`enrolled, nobody connected: ${JSON.stringify(result.enrolledIdle)}`);

    // per connection: the silent fleet above the same hosts with nobody connected
    const connectionCores = Math.max(0, silentCores - enrolledCores) / agents;
    // per heartbeat: the quiet phase above the silent one (its pings are then not charged to beats)
    const quietCores = (quiet.serverCpuSec + quiet.postgresCpuSec) / quiet.wallSec;
    const beatOnlyMs = (Math.max(0, quietCores - silentCores) * 1000) / (agents / 5);
    result.silent = {
      ...silent,
      connections: agents,
      heartbeatsSeen: silentBeats,
      cores: round(silentCores, 4),
      cpuMsPerConnectionPerMinute: round(connectionCores * 60_000, 3),
      cpuMsPerHeartbeatPingsExcluded: round(beatOnlyMs, 3),
    };
    log(`silent: ${JSON.stringify(result.silent)}`);
    // 10,000 agents beating every 30 s = fixed work (measured with `agents` hosts enrolled: more
    // hosts make the stale queries dearer) + 10,000 connections + 333 beats/s
    const fleetConnections = connectionCores * 10_000;
    const fleetBeats = (beatOnlyMs * FLEET_BEATS_PER_SEC) / 1000;
    result.quietFleet10k = {
      fixedCores: round(enrolledCores, 4),
      connectionCores: round(fleetConnections, 4),
      heartbeatCores: round(fleetBeats, 4),
      cores: round(enrolledCores + fleetConnections + fleetBeats, 4),
    };
    log(`quiet fleet of 10,000: ${JSON.stringify(result.quietFleet10k)}`);
    result.loadAfter = loadAverage();
  } finally {
    await server.stop();
    if (admin !== null) {
      await admin.close();
      await dropDatabase(DB).catch(() => {});
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  printResult(result, values.out);
}

runBench(main);
