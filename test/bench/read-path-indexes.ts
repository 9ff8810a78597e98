/**
 * The read path's slow requests at 100,000 hosts (issue 13: the fleet summary, host search, the
 * stale filter sorted by verdict, the verdict filter sorted by RAM), on PostgreSQL or PGlite. The
 * fleet is written with one INSERT … generate_series (the `read-postgres` scenario's realistic
 * seeding takes far longer on a busy machine): hostnames as the simulator names them
 * (`db-00042.fra1.sim.example`), the usual verdict mix, 2 % stale, RAM from 2 to 512 GiB. Then the
 * built server answers each request `--runs` times one after another, timed by the HTTP client
 * until the body is read.
 *
 *   npx tsx bench/read-path-indexes.ts [--driver postgres|pglite] [--hosts 100000] [--runs 100] [--out FILE]
 *     [--paths slow|sorts] [--drop-index NAME]... [--db kdw_perf_NAME]
 *     (from test/; the PostgreSQL database kdw_perf_readpath is dropped afterwards unless --keep)
 *
 * `--paths sorts` times the sorts migration 0009 indexes instead (SORT_PATHS); `--drop-index`
 * drops an index after seeding, so that the same bundle measures the plan without it ("before").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import { printResult, runBench } from "./lib/bench-main.ts";
import { dropDatabase, recreateDatabase } from "./lib/database.ts";
import { type Latency, measureGet } from "./lib/http-timing.ts";
import { loadAverage, round } from "./lib/process-stats.ts";
import { BENCH_ADMIN_TOKEN, BenchServer, REPO } from "./lib/server-process.ts";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "kdw_perf_readpath" },
    paths: { type: "string", default: "slow" },
    "drop-index": { type: "string", multiple: true, default: [] },
    driver: { type: "string", default: "postgres" },
    hosts: { type: "string", default: "100000" },
    runs: { type: "string", default: "100" },
    port: { type: "string", default: "18496" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

/** The requests of BENCHMARKS.md "Read path at 100,000 hosts" that missed their target, and two that did not. */
export const READ_PATHS = [
  "/api/fleet/summary",
  "/api/hosts?q=db-0&sort=hostname&limit=50",
  "/api/hosts?stale=true&sort=-verdict&limit=50",
  "/api/hosts?verdict=ready&sort=-ramBytes&limit=500",
  "/api/hosts?sort=hostname&limit=50",
  "/api/hosts?verdict=not_ready,at_risk&sort=-lastSeenAt&limit=50",
] as const;

/**
 * The host-list sorts of migration 0009 (BENCHMARKS.md "Read path: sort indexes (feat/failsort)"),
 * alone and with the common filters, including those whose matches lie far along the index (in the
 * seeded fleet, as in a real one, ready hosts fail no check and hosts failing a check are not ready).
 */
export const SORT_PATHS = [
  "/api/hosts?sort=-failing&limit=50",
  "/api/hosts?sort=failing&limit=50",
  "/api/hosts?sort=ramBytes&limit=50",
  "/api/hosts?verdict=ready&sort=ramBytes&limit=500",
  "/api/hosts?verdict=not_ready,at_risk&sort=-failing&limit=50",
  "/api/hosts?stale=true&sort=-failing&limit=50",
  "/api/hosts?verdict=not_ready,at_risk&sort=failing&limit=50",
  "/api/hosts?verdict=ready&sort=-failing&limit=50",
  "/api/hosts?check=kdump.loaded&sort=failing&limit=50",
] as const;

/** Hosts named like the simulator's fleet (test/sim/fleet.ts: role weights, six sites). */
const seed = (
  n: number,
) => sql`insert into hosts (id, machine_id, hostname, verdict, failing, os, kernel, ram_bytes,
    enrolled_at, last_seen_at, verdict_since, stale_clock_at)
  select 'h' || g, 'm' || g,
    (array['web','web','web','web','web','app','app','app','app','app','app','db','db','cache','cache',
      'k8s','k8s','k8s','k8s','k8s','k8s','k8s','k8s','build','batch','batch','storage'])[1 + (g::bigint * 7919) % 27]
      || '-' || lpad(g::text, 5, '0') || '.'
      || (array['fra1','ams2','iad1','sfo3','sgp1','lon1'])[1 + (g::bigint * 104729) % 6] || '.sim.example',
    (array['ready','ready','ready','ready','ready','ready','ready','at_risk','not_ready','unknown'])[1 + g % 10],
    case g % 10 when 7 then array['crashkernel.size'] when 8 then array['kdump.loaded','crashkernel.reserved']
      when 9 then array['kdump.loaded'] else '{}'::text[] end,
    (array['Debian GNU/Linux 12','Rocky Linux 9.4','Ubuntu 24.04.1 LTS','Ubuntu 22.04.5 LTS','RHEL 9.4'])[1 + g % 5],
    '6.' || (g % 40) || '.0-' || (g % 7) || '-generic',
    (2 + (g * 31) % 511)::numeric * 1073741824,
    now(), now(), now() - ((g % 1000) || ' minutes')::interval,
    now() - (case when g % 50 = 0 then interval '1 hour' + (g % 97) * interval '1 minute' else interval '0' end)
  from generate_series(1, ${n}) g`;

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

async function main(): Promise<void> {
  const driver = values.driver === "pglite" ? "pglite" : "postgres";
  const n = Number(values.hosts);
  const runs = Number(values.runs);
  const DB = values.db;
  const paths = values.paths === "sorts" ? SORT_PATHS : READ_PATHS;
  const url = driver === "postgres" ? await recreateDatabase(DB) : undefined;
  const dataDir = driver === "pglite" ? mkdtempSync(join(tmpdir(), "kdw-readpath-")) : undefined;
  const result: Record<string, unknown> = {
    command: `npx tsx bench/read-path-indexes.ts ${process.argv.slice(2).join(" ")}`.trim(),
    driver,
    hosts: n,
    droppedIndexes: values["drop-index"],
    loadBefore: loadAverage(),
  };
  // PGlite: one process owns the directory, so the fleet is written (and analysed) before the
  // server opens it; the server's leader then folds the read model's deltas
  // the schema of the server under test: the migrations its bundle carries (apps/server/dist/drizzle)
  const migrationsFolder = join(REPO, "apps/server/dist/drizzle");
  const seeder = await openDatabase(
    url ? { url, poolSize: 2, migrationsFolder } : { dataDir, migrationsFolder },
  );
  const seeded = performance.now();
  await seeder.db.execute(seed(n));
  for (const name of values["drop-index"]) {
    if (!/^hosts_[a-z0-9_]+_idx$/.test(name)) throw new Error(`not an index of hosts: ${name}`);
    await seeder.db.execute(sql.raw(`drop index ${name}`));
  }
  await seeder.db.execute(sql`analyze hosts`);
  result.seedSec = round((performance.now() - seeded) / 1000, 1);
  if (driver === "pglite") {
    // The server's fold of 500,000 deltas would hold PGlite's one connection while requests are
    // timed, and its progress cannot be watched from outside: fold here first, as the leader does
    // (apps/server/src/services/fleet-counts.ts), and vacuum like the fold does.
    await seeder.db.execute(sql`with moved as (delete from fleet_count_deltas returning dimension, value, verdict, hosts)
      insert into fleet_counts (dimension, value, verdict, hosts)
        select dimension, value, verdict, sum(hosts) from moved group by 1, 2, 3
      on conflict (dimension, value, verdict) do update set hosts = fleet_counts.hosts + excluded.hosts`);
    await seeder.db.execute(sql`vacuum fleet_count_deltas`);
    await seeder.close();
  }
  const server = await BenchServer.start({
    port: Number(values.port),
    ...(url ? { databaseUrl: url } : {}),
    ...(dataDir ? { dataDir } : {}),
    logFile: join(tmpdir(), `kdw-bench-readpath-${driver}.log`),
    env: { KDUMPWATCH_LOG_LEVEL: "warn" },
  });
  try {
    // the leader folds every 5 s; the summary is measured on the folded read model
    for (let i = 0; i < 300; i++) {
      if (url) {
        const [row] = rowsOf<{ n: number }>(
          await seeder.db.execute(sql`select count(*)::int as n from fleet_count_deltas`),
        );
        if (row?.n === 0) break;
      } else if (((await server.get("/api/fleet/summary")) as { total: number }).total === n) {
        // PGlite (folded above): give the stale sweeper its first pass
        await new Promise((r) => setTimeout(r, 10_000));
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (url) {
      const stale = ((await server.get("/api/fleet/summary")) as { stale: number }).stale;
      for (let i = 0; i < 60; i++) {
        const [row] = rowsOf<{ n: number }>(
          await seeder.db.execute(sql`select count(stale_since)::int as n from hosts`),
        );
        if ((row?.n ?? 0) >= stale) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      // The stale sweeper's first pass rewrote the 2,000 stale hosts (stale_since): without ingest,
      // autovacuum's 20 % threshold is never reached and every stale filter or count would read
      // both row versions on ~2,000 pages. A fleet that reports is vacuumed as a matter of course.
      await seeder.db.execute(sql`vacuum analyze hosts`);
    }
    const requests: Record<string, Latency> = {};
    for (const path of paths) {
      requests[path] = await measureGet(server.url, BENCH_ADMIN_TOKEN, path, { requests: runs, warmup: 5 });
    }
    result.requests = requests;
    if (url && paths === READ_PATHS) {
      // the summary's two statements (services/fleet-counts.ts, services/summary.ts) on the bench's
      // own connection, one after the other: the database's share of the request
      const sqlMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await seeder.db.execute(sql`select dimension, value, verdict, sum(hosts)::bigint as hosts from (
            select dimension, value, verdict, hosts from fleet_counts
            union all select dimension, value, verdict, hosts from fleet_count_deltas) c
          group by 1, 2, 3 having sum(hosts) <> 0`);
        await seeder.db.execute(sql`select count(*) from hosts
          where stale_clock_at < now() - interval '180 seconds' and decommissioned_at is null`);
        sqlMs.push(performance.now() - t0);
      }
      sqlMs.sort((a, b) => a - b);
      const at = (p: number) =>
        round(sqlMs[Math.min(sqlMs.length - 1, Math.floor((p / 100) * sqlMs.length))] ?? 0, 1);
      result.summarySqlMs = { p50: at(50), p95: at(95), p99: at(99) };
    }
    result.loadAfter = loadAverage();
  } finally {
    await server.stop();
    if (driver === "postgres") await seeder.close();
    if (url && !values.keep) await dropDatabase(DB).catch(() => {});
    if (dataDir && !values.keep) rmSync(dataDir, { recursive: true, force: true });
  }
  printResult(result, values.out);
}

runBench(main);
