import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import { printResult, runBench } from "./lib/bench-main.ts";
import { dropDatabase, recreateDatabase } from "./lib/database.ts";
import { loadAverage, round } from "./lib/process-stats.ts";
import { BenchServer } from "./lib/server-process.ts";

const DB = "kdw_perf_summary";
const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "100000" },
    runs: { type: "string", default: "100" },
    port: { type: "string", default: "18495" },
    out: { type: "string" },
  },
});

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50: round(percentile(s, 50), 1),
    p95: round(percentile(s, 95), 1),
    p99: round(percentile(s, 99), 1),
  };
}

async function main(): Promise<void> {
  const n = Number(values.hosts);
  const runs = Number(values.runs);
  const url = await recreateDatabase(DB);
  const server = await BenchServer.start({
    port: Number(values.port),
    databaseUrl: url,
    logFile: join(tmpdir(), "kdw-bench-summary-server.log"),
    env: { KDUMPWATCH_LOG_LEVEL: "warn" },
  });
  const db = await openDatabase({ url, migrate: false, poolSize: 2 });
  const result: Record<string, unknown> = {
    command: `npx tsx bench/summary-read-model.ts ${process.argv.slice(2).join(" ")}`.trim(),
    hosts: n,
    loadBefore: loadAverage(),
  };
  try {
    const seeded = performance.now();
    await db.db.execute(sql`insert into hosts (id, machine_id, hostname, verdict, failing, os, kernel,
        enrolled_at, last_seen_at, verdict_since, stale_clock_at)
      select 'h' || g, 'm' || g, 'host-' || lpad(g::text, 6, '0'),
        (array['ready','ready','ready','ready','ready','ready','ready','at_risk','not_ready','unknown'])[1 + g % 10],
        case g % 10 when 7 then array['crashkernel.size'] when 8 then array['kdump.loaded','crashkernel.reserved']
          when 9 then array['kdump.loaded'] else '{}'::text[] end,
        (array['Debian GNU/Linux 12','Rocky Linux 9.4','Ubuntu 24.04.1 LTS','Ubuntu 22.04.5 LTS','RHEL 9.4'])[1 + g % 5],
        '6.' || (g % 40) || '.0-' || (g % 7) || '-generic',
        now(), now(), now(), now() - (case when g % 50 = 0 then interval '1 hour' else interval '0' end)
      from generate_series(1, ${n}) g`);
    result.seedSec = round((performance.now() - seeded) / 1000, 1);
    // the leader folds every 5 s; wait until the deltas are gone
    for (let i = 0; i < 120; i++) {
      const res = await db.db.execute(sql`select count(*)::int as n from fleet_count_deltas`);
      const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { n: number }[];
      if ((rows[0]?.n ?? 1) === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await db.db.execute(sql`analyze hosts`);
    const api: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await server.get("/api/fleet/summary");
      api.push(performance.now() - t);
    }
    const cutoff = new Date(Date.now() - 180_000).toISOString();
    const scan: number[] = [];
    for (let i = 0; i < Math.min(runs, 30); i++) {
      const t = performance.now();
      await Promise.all([
        db.db.execute(sql`select count(*), count(case when verdict = 'ready' then 1 end),
            count(case when verdict = 'at_risk' then 1 end), count(case when verdict = 'not_ready' then 1 end),
            count(case when stale_clock_at < ${cutoff}::timestamptz then 1 end), count(duplicate_of) from hosts`),
        db.db.execute(sql`select unnest(failing), count(*) from hosts group by 1 order by 2 desc, 1`),
        db.db.execute(sql`select os, count(*), count(case when verdict = 'ready' then 1 end),
            count(case when verdict = 'at_risk' then 1 end), count(case when verdict = 'not_ready' then 1 end)
            from hosts group by os order by 2 desc, os limit 100`),
        db.db.execute(sql`select kernel, count(*), count(case when verdict = 'ready' then 1 end),
            count(case when verdict = 'at_risk' then 1 end), count(case when verdict = 'not_ready' then 1 end)
            from hosts group by kernel order by 2 desc, kernel limit 100`),
      ]);
      scan.push(performance.now() - t);
    }
    result.summaryApiMs = stats(api);
    result.scanQueriesMs = stats(scan);
    result.loadAfter = loadAverage();
  } finally {
    await db.close();
    await server.stop();
    await dropDatabase(DB).catch(() => {});
  }
  printResult(result, values.out);
}

runBench(main);
