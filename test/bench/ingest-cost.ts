/**
 * CPU per unit of ingest work, measured as CPU time (not wall time) so that a machine shared with
 * other work still gives comparable figures (issue 13's first three rows):
 *   1. enrollment + first snapshot: N new agents ramped over R seconds (no storm: nothing times out);
 *   2. a quiet fleet: the same agents connected, heartbeats only (KDUMPWATCH_HEARTBEAT=5 here, to
 *      get many beats in a short window);
 *   3. changed snapshots: the fleet reconnects and hosts change at a steady offered rate.
 * CPU = the server process (all its threads, /proc/PID/stat) + this database's PostgreSQL backends
 * (pg_stat_activity → /proc/PID/stat). PostgreSQL's shared background processes (WAL writer,
 * checkpointer) are left out: the server at 5432 is shared with other work.
 *
 *   npx tsx bench/ingest-cost.ts [--agents 600] [--ramp 60] [--quiet 30] [--rate 0.1] [--measure 40]
 *                                [--judge-workers 2] [--out results/ingest-cost.json]
 * (from test/, after `pnpm build`)
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import type { ProgressWindow } from "../sim/run-stats.ts";
import { databaseUrl, dropDatabase, recreateDatabase } from "./lib/database.ts";
import { cpuSeconds, loadAverage, round } from "./lib/process-stats.ts";
import { BENCH_ENROLL_TOKEN, BenchServer } from "./lib/server-process.ts";
import { startSim, waitForProgress } from "./lib/sim-process.ts";

const DB = "kdw_perf_cost";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "600" },
    ramp: { type: "string", default: "60" },
    quiet: { type: "string", default: "30" },
    rate: { type: "string", default: "0.1" },
    measure: { type: "string", default: "40" },
    "judge-workers": { type: "string" },
    port: { type: "string", default: "18490" },
    out: { type: "string" },
  },
});

const log = (line: string) =>
  process.stderr.write(`[cost ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** CPU seconds of this database's backends, by pid (backends that exited meanwhile are lost). */
async function backendCpu(admin: Awaited<ReturnType<typeof openDatabase>>): Promise<Map<number, number>> {
  const res = await admin.db.execute(sql`select pid from pg_stat_activity where datname = ${DB}`);
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { pid: number }[];
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid) ?? 0]));
}

interface Meter {
  stop(): Promise<{ serverCpuSec: number; postgresCpuSec: number; wallSec: number; load: number[] }>;
}

async function meter(server: BenchServer, admin: Awaited<ReturnType<typeof openDatabase>>): Promise<Meter> {
  const server0 = cpuSeconds(server.pid) ?? 0;
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
        postgresCpuSec: round(postgresCpuSec, 2),
        wallSec: round((performance.now() - t0) / 1000, 1),
        load: loadAverage(),
      };
    },
  };
}

const sumAcked = (windows: readonly ProgressWindow[]) => windows.reduce((n, w) => n + w.acked, 0);

async function main(): Promise<void> {
  const agents = Number(values.agents);
  const ramp = Number(values.ramp);
  const work = join(tmpdir(), "kdw-bench-cost");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const stateFile = join(work, "fleet.json");
  const url = await recreateDatabase(DB);
  const admin = await openDatabase({ url: databaseUrl("postgres"), migrate: false, poolSize: 1 });
  const server = await BenchServer.start({
    port: Number(values.port),
    databaseUrl: url,
    logFile: join(work, "server.log"),
    env: {
      KDUMPWATCH_HEARTBEAT: "5",
      KDUMPWATCH_LOG_LEVEL: "warn",
      ...(values["judge-workers"] ? { KDUMPWATCH_JUDGE_WORKERS: values["judge-workers"] } : {}),
    },
  });
  const simArgs = ["--server", server.url, "--enroll-token", BENCH_ENROLL_TOKEN, "--agents", String(agents)];
  const result: Record<string, unknown> = {
    command: `npx tsx bench/ingest-cost.ts ${process.argv.slice(2).join(" ")}`.trim(),
    agents,
    loadBefore: loadAverage(),
  };
  try {
    // 1. enrollment + first snapshot
    let m = await meter(server, admin);
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
    };
    log(`enroll: ${JSON.stringify(result.enroll)}`);

    // 2. quiet fleet: heartbeats every 5 s
    await new Promise((r) => setTimeout(r, 10_000));
    m = await meter(server, admin);
    const quietSec = Number(values.quiet);
    await new Promise((r) => setTimeout(r, quietSec * 1000));
    const quiet = await m.stop();
    const beats = (agents / 5) * quiet.wallSec;
    const perBeatMs = ((quiet.serverCpuSec + quiet.postgresCpuSec) * 1000) / beats;
    result.quiet = {
      ...quiet,
      heartbeats: Math.round(beats),
      cpuMsPerHeartbeat: round(perBeatMs, 3),
      // 10,000 agents beating every 30 s (the default) = 333 beats/s
      coresAt10kAgents30s: round((perBeatMs * (10_000 / 30)) / 1000, 3),
    };
    log(`quiet: ${JSON.stringify(result.quiet)}`);
    fleet.interrupt();
    await fleet.result.catch(() => null);

    // 3. changed snapshots at a steady rate
    const changes = startSim(
      [
        ...simArgs,
        "--ramp",
        "10",
        "--duration",
        "0",
        "--interval",
        "3600",
        "--state-file",
        stateFile,
        "--change-rate",
        String(values.rate),
      ],
      { logFile: join(work, "sim-changes.log") },
    );
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
    result.loadAfter = loadAverage();
  } finally {
    await server.stop();
    await admin.close();
    await dropDatabase(DB).catch(() => {});
  }
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, text);
  process.stdout.write(text);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
