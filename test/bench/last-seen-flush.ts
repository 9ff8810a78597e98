/**
 * What the 2 s last-seen flush (apps/server/src/services/last-seen.ts) costs PostgreSQL per host
 * row, and what the alternatives would: 10,000 hosts seeded, then `--flushes` flushes of `--batch`
 * random hosts each (333 beats/s × 2 s = 666), with the flush's own statement, on
 *   - `hosts` as it is (18 indexes; `last_seen_at` and `stale_clock_at` indexed, so never HOT);
 *   - `hosts` without the two time indexes (HOT becomes possible: what dropping them would save,
 *     not a proposal, the host list's sort and the stale reads use them);
 *   - a narrow liveness table (host id, last seen, stale clock; primary key + the two time indexes).
 * Measured: the backend's CPU (/proc), WAL bytes, and HOT updates (pg_stat_user_tables).
 *
 *   npx tsx bench/last-seen-flush.ts [--hosts 10000] [--batch 666] [--flushes 60]
 * (from test/; KDUMPWATCH_BENCH_PG for another cluster, lib/database.ts)
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import { printResult, runBench } from "./lib/bench-main.ts";
import { dropDatabase, recreateDatabase } from "./lib/database.ts";
import { cpuSeconds, loadAverage, round } from "./lib/process-stats.ts";
import { seedHosts } from "./lib/seed-hosts.ts";
import { REPO } from "./lib/server-process.ts";

const DB = "kdw_perf_flush";
const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "10000" },
    batch: { type: "string", default: "666" },
    flushes: { type: "string", default: "60" },
    out: { type: "string" },
  },
});

const rowsOf = <T>(res: unknown): T[] =>
  (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as T[];

/** the flush's statement (last-seen.ts write), on `table` */
const flushSql = (table: string, values: string, now: string) =>
  sql.raw(`with v as (
      select * from jsonb_to_recordset('${values}'::jsonb) as v(id text, at timestamptz)),
    locked as (select h.id from ${table} h where h.id in (select id from v) for update skip locked)
    update ${table} h set
        last_seen_at = greatest(h.last_seen_at, v.at),
        stale_clock_at = case when h.stale_clock_at > '${now}'::timestamptz then v.at
                              else greatest(h.stale_clock_at, v.at) end,
        stale_since = null
      from v, ${table} old
      where h.id = v.id and old.id = h.id and h.id in (select id from locked)
      returning h.id, old.stale_since is not null as was_stale`);

async function main(): Promise<void> {
  const url = await recreateDatabase(DB);
  const handle = await openDatabase({ url, poolSize: 1 });
  const result: Record<string, unknown> = {
    command: `npx tsx bench/last-seen-flush.ts ${process.argv.slice(2).join(" ")}`.trim(),
    loadBefore: loadAverage(),
  };
  try {
    const db = handle.db;
    const seeded = await seedHosts(db, {
      count: Number(values.hosts),
      capturesDir: join(REPO, "test/captures"),
    });
    const ids = seeded.ids;
    await db.execute(sql`create table host_liveness (id text primary key, last_seen_at timestamptz not null,
      stale_clock_at timestamptz not null, stale_since timestamptz)`);
    await db.execute(
      sql`insert into host_liveness select id, last_seen_at, stale_clock_at, stale_since from hosts`,
    );
    await db.execute(sql`create index on host_liveness (last_seen_at, id)`);
    await db.execute(sql`create index on host_liveness (stale_clock_at, id)`);
    await db.execute(sql`vacuum analyze`);
    const [{ pid } = { pid: 0 }] = rowsOf<{ pid: number }>(
      await db.execute(sql`select pg_backend_pid() as pid`),
    );
    const batch = Number(values.batch);
    let t = Date.now();
    const run = async (name: string, table: string) => {
      const stat = async () =>
        rowsOf<{ hot: number; upd: number; wal: string }>(
          await db.execute(
            sql.raw(`select n_tup_hot_upd::float8 as hot, n_tup_upd::float8 as upd, pg_current_wal_lsn()::text as wal
              from pg_stat_user_tables where relname = '${table}'`),
          ),
        )[0];
      const lsnBytes = async (a: string, b: string) =>
        Number(
          rowsOf<{ d: string }>(
            await db.execute(sql.raw(`select pg_wal_lsn_diff('${b}', '${a}')::text as d`)),
          )[0]?.d,
        );
      // the stats collector lags: one warm-up flush, then measure
      const s0 = await stat();
      const cpu0 = cpuSeconds(pid) ?? 0;
      const started = performance.now();
      for (let f = 0; f < Number(values.flushes); f++) {
        t += 2000;
        const at = new Date(t).toISOString();
        const pick = new Set<string>();
        while (pick.size < batch) pick.add(ids[Math.floor(Math.random() * ids.length)] as string);
        const json = JSON.stringify([...pick].map((id) => ({ id, at })));
        await db.execute(flushSql(table, json, at));
      }
      const wallMs = performance.now() - started;
      const cpu = (cpuSeconds(pid) ?? 0) - cpu0;
      await new Promise((r) => setTimeout(r, 1500));
      const s1 = await stat();
      const rows = batch * Number(values.flushes);
      const out = {
        rows,
        backendCpuMsPerRow: round((cpu * 1000) / rows, 4),
        wallMsPerFlush: round(wallMs / Number(values.flushes), 1),
        walBytesPerRow: s0 && s1 ? Math.round((await lsnBytes(s0.wal, s1.wal)) / rows) : null,
        hotShare: s0 && s1 ? round((s1.hot - s0.hot) / Math.max(1, s1.upd - s0.upd), 3) : null,
        // 333 beats/s
        coresAt10k: round((cpu / rows) * 333, 4),
      };
      process.stderr.write(`${name}: ${JSON.stringify(out)}\n`);
      return out;
    };
    result.hosts = await run("hosts (as is)", "hosts");
    await db.execute(sql`drop index hosts_last_seen_idx`);
    await db.execute(sql`drop index hosts_stale_clock_idx`);
    await db.execute(sql`vacuum hosts`);
    result.hostsWithoutTimeIndexes = await run("hosts without the two time indexes", "hosts");
    result.narrowTable = await run("narrow liveness table", "host_liveness");
    result.loadAfter = loadAverage();
  } finally {
    await handle.close();
    await dropDatabase(DB).catch(() => {});
  }
  printResult(result, values.out);
}

runBench(main);
