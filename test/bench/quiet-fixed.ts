/**
 * The fixed work of a server with N hosts enrolled and nobody connected (issue 13, quiet fleet):
 * the hosts are seeded directly into the database (lib/seed-hosts.ts: 2 % stale for hours, the
 * rest seen within the last 30 s, as a connected quiet fleet would be), the built server started
 * on it, and after a warm-up its CPU and its database backends' CPU are measured for `--idle`
 * seconds, with PostgreSQL's own per-statement figures (pg_stat_statements, when the cluster has it
 * loaded: `shared_preload_libraries = 'pg_stat_statements'`) for the same window, by difference, so
 * nothing is reset on a shared cluster.
 *
 *   npx tsx bench/quiet-fixed.ts [--hosts 600,10000] [--idle 30] [--warmup 20] [--top 12] [--out FILE]
 * (from test/, after `pnpm build`; KDUMPWATCH_BENCH_PG=postgres://postgres@127.0.0.1:PORT for
 * another cluster than the shared one, see lib/database.ts)
 */
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import { printResult, runBench } from "./lib/bench-main.ts";
import { databaseUrl, dropDatabase, recreateDatabase } from "./lib/database.ts";
import { cpuSeconds, loadAverage, round } from "./lib/process-stats.ts";
import { seedHosts } from "./lib/seed-hosts.ts";
import { BenchServer, REPO } from "./lib/server-process.ts";

const DB = "kdw_perf_fixed";

const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "600,10000" },
    idle: { type: "string", default: "30" },
    warmup: { type: "string", default: "20" },
    top: { type: "string", default: "12" },
    port: { type: "string", default: "18491" },
    out: { type: "string" },
  },
});

const log = (line: string) =>
  process.stderr.write(`[fixed ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

type Handle = Awaited<ReturnType<typeof openDatabase>>;

const rowsOf = <T>(res: unknown): T[] =>
  (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as T[];

async function backendCpu(admin: Handle): Promise<Map<number, number>> {
  const res = await admin.db.execute(sql`select pid from pg_stat_activity where datname = ${DB}`);
  return new Map(rowsOf<{ pid: number }>(res).map((r) => [r.pid, cpuSeconds(r.pid) ?? 0]));
}

interface Statement {
  queryid: string;
  query: string;
  calls: number;
  ms: number;
  rows: number;
  blocks: number;
}

/** This database's statements so far (null: pg_stat_statements is not loaded in this cluster). */
async function statements(admin: Handle): Promise<Map<string, Statement> | null> {
  try {
    const res = await admin.db.execute(
      sql.raw(`select s.queryid::text as queryid, s.query, s.calls::float8 as calls,
          s.total_exec_time::float8 as ms, s.rows::float8 as rows,
          (s.shared_blks_hit + s.shared_blks_read)::float8 as blocks
        from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = '${DB}'`),
    );
    return new Map(rowsOf<Statement>(res).map((r) => [r.queryid, r]));
  } catch {
    return null;
  }
}

function statementDiff(before: Map<string, Statement>, after: Map<string, Statement>, top: number) {
  const diff: Statement[] = [];
  for (const [id, s] of after) {
    const b = before.get(id);
    const calls = s.calls - (b?.calls ?? 0);
    if (calls <= 0) continue;
    diff.push({
      queryid: id,
      query: s.query.replace(/\s+/g, " ").slice(0, 160),
      calls,
      ms: round(s.ms - (b?.ms ?? 0), 1),
      rows: s.rows - (b?.rows ?? 0),
      blocks: s.blocks - (b?.blocks ?? 0),
    });
  }
  diff.sort((a, b) => b.ms - a.ms);
  return {
    statements: diff.reduce((n, s) => n + s.calls, 0),
    execMs: round(
      diff.reduce((n, s) => n + s.ms, 0),
      1,
    ),
    blocks: diff.reduce((n, s) => n + s.blocks, 0),
    top: diff.slice(0, top),
  };
}

async function measureAt(hostCount: number, admin: Handle, work: string): Promise<Record<string, unknown>> {
  const url = await recreateDatabase(DB);
  // migrated by the migrations shipped with the bundle measured (a before/after pair swaps dist/)
  const handle = await openDatabase({ url, migrationsFolder: join(REPO, "apps/server/dist/drizzle") });
  try {
    await seedHosts(handle.db, { count: hostCount, capturesDir: join(REPO, "test/captures"), log });
    // a connected quiet fleet: everyone not stale was seen within the last heartbeat (30 s)
    await handle.db.execute(
      sql`update hosts set last_seen_at = now() - random() * interval '30 seconds' where stale_since is null`,
    );
    await handle.db.execute(sql`update hosts set stale_clock_at = last_seen_at where stale_since is null`);
    await handle.db.execute(sql`vacuum analyze`);
  } finally {
    await handle.close();
  }
  const server = await BenchServer.start({
    port: Number(values.port),
    databaseUrl: url,
    logFile: join(work, "server.log"),
    env: { KDUMPWATCH_LOG_LEVEL: "warn" },
  });
  try {
    // the first ticks open the stale alerts of the seeded stale hosts and compile lazily
    await new Promise((r) => setTimeout(r, Number(values.warmup) * 1000));
    const server0 = cpuSeconds(server.pid) ?? 0;
    const pg0 = await backendCpu(admin);
    const st0 = await statements(admin);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, Number(values.idle) * 1000));
    const wallSec = (performance.now() - t0) / 1000;
    const serverCpuSec = (cpuSeconds(server.pid) ?? 0) - server0;
    const pg1 = await backendCpu(admin);
    const st1 = await statements(admin);
    let postgresCpuSec = 0;
    for (const [pid, cpu] of pg1) postgresCpuSec += cpu - (pg0.get(pid) ?? 0);
    const result = {
      hosts: hostCount,
      wallSec: round(wallSec, 1),
      serverCpuSec: round(serverCpuSec, 2),
      postgresCpuSec: round(postgresCpuSec, 2),
      cores: round((serverCpuSec + postgresCpuSec) / wallSec, 4),
      load: loadAverage(),
      ...(st0 && st1 ? { perStatement: statementDiff(st0, st1, Number(values.top)) } : {}),
    };
    log(`${hostCount} hosts: ${JSON.stringify({ ...result, perStatement: undefined })}`);
    return result;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const work = join(tmpdir(), "kdw-bench-fixed");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const admin = await openDatabase({ url: databaseUrl("postgres"), migrate: false, poolSize: 1 });
  const result: Record<string, unknown> = {
    command: `npx tsx bench/quiet-fixed.ts ${process.argv.slice(2).join(" ")}`.trim(),
    loadBefore: loadAverage(),
  };
  try {
    const runs = [];
    for (const n of values.hosts.split(",").map(Number)) runs.push(await measureAt(n, admin, work));
    result.runs = runs;
    result.loadAfter = loadAverage();
  } finally {
    await admin.close();
    await dropDatabase(DB).catch(() => {});
  }
  printResult(result, values.out);
}

runBench(main);
