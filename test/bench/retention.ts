/**
 * `pnpm --filter @kdumpwatch/test bench:retention`: the database size of a 10,000-host fleet over 90
 * simulated days on PostgreSQL, with the server's own retention job (apps/server
 * services/retention.ts, KDUMPWATCH_RETENTION=30d) run once per simulated day, as the leader would.
 *
 *   pnpm --filter @kdumpwatch/test bench:retention [--hosts 10000] [--days 90] [--retention 30]
 *        [--change-rate 0.15] [--churn 5] [--keep]
 *
 * The fleet is seeded like the read-path benchmark (test/bench/lib/seed-hosts.ts: the captures'
 * real evidence, judged by core, one snapshot each). Each simulated day, each host stores a new
 * snapshot with probability `--change-rate` (a snapshot is stored only when the evidence changed:
 * a kernel update, a reboot's dmesg, a package; 0.15 ≈ once a week), its evidence one of its
 * template's real variants (median 9 KB of JSON, largest 76 KB), bulk-inserted as ingest writes
 * it; `--churn` hosts are decommissioned and as many new ones enrolled. Then the retention job
 * runs and the database size is read (`pg_database_size`, and the snapshots table with its TOAST
 * and indexes). Autovacuum is the server's own (nothing is vacuumed by hand). The table goes into
 * BENCHMARKS.md between the `retention` markers, with the command that made it.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { hosts, openDatabase, snapshots, sql } from "@kdumpwatch/db";
import {
  createMemoryHub,
  loadConfig,
  ManualClock,
  runRetention,
  type ServiceContext,
  silentLogger,
} from "@kdumpwatch/server";
import { derivedRandom } from "../sim/rng.ts";
import { loadTemplates, type Sources } from "../sim/templates.ts";
import { dropDatabase, recreateDatabase } from "./lib/database.ts";
import { seedHosts } from "./lib/seed-hosts.ts";

const DATABASE = "kdw_perf_retention";
const DAY = 86_400_000;
const CAPTURES = resolve(import.meta.dirname, "../captures");
const BENCHMARKS_MD = resolve(import.meta.dirname, "../../BENCHMARKS.md");
const START = "<!-- retention:start -->";
const END = "<!-- retention:end -->";

const { values } = parseArgs({
  options: {
    hosts: { type: "string", default: "10000" },
    days: { type: "string", default: "90" },
    retention: { type: "string", default: "30" },
    "change-rate": { type: "string", default: "0.15" },
    churn: { type: "string", default: "5" },
    keep: { type: "boolean", default: false },
    /**
     * VACUUM the snapshots after each simulated day: a simulated day lasts seconds, too short for
     * autovacuum (1 min naptime) to run at all, while over a real day it runs many times
     * (`--no-vacuum` shows the files growing when it never gets to run).
     */
    vacuum: { type: "boolean", default: true },
  },
  allowNegative: true,
});
const HOSTS = Number(values.hosts);
const DAYS = Number(values.days);
const RETENTION_DAYS = Number(values.retention);
const CHANGE_RATE = Number(values["change-rate"]);
const CHURN = Number(values.churn);

interface DayRow {
  day: number;
  activeHosts: number;
  snapshots: number;
  inserted: number;
  deleted: number;
  deletedHosts: number;
  databaseMiB: number;
  snapshotsMiB: number;
  retentionSeconds: number;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const first = <T>(result: unknown): T =>
  (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows)[0] as T;

async function main(): Promise<void> {
  const url = await recreateDatabase(DATABASE);
  const handle = await openDatabase({ url, poolSize: 4 });
  const db = handle.db;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    log(`seeding ${HOSTS} hosts…`);
    const seeded = await seedHosts(db, { count: HOSTS, capturesDir: CAPTURES, log });
    const templates = await loadTemplates(CAPTURES);
    const evidence: Sources[] = templates.flatMap((t) => t.variants.map((v) => v.sources));
    const clock = new ManualClock(new Date());
    const start = clock.now().getTime();
    const config = loadConfig({ KDUMPWATCH_RETENTION: `${RETENTION_DAYS}d` });
    const ctx: ServiceContext = {
      db,
      hub: createMemoryHub(silentLogger()),
      clock,
      log: silentLogger(),
      config,
    };
    const active = [...seeded.ids];
    const rows: DayRow[] = [];
    const random = derivedRandom(2026, 90);
    for (let day = 1; day <= DAYS; day++) {
      const at = new Date(start + day * DAY);
      clock.set(at);
      // churn: some hosts are decommissioned, as many new ones enrol
      const leaving = active.splice(0, CHURN);
      if (leaving.length > 0) {
        await db
          .update(hosts)
          .set({ decommissionedAt: at })
          .where(sql`${hosts.id} = any(${`{${leaving.join(",")}}`}::text[])`);
      }
      const joining = Array.from({ length: leaving.length }, () => randomUUID());
      if (joining.length > 0) {
        await db.insert(hosts).values(
          joining.map((id, i) => ({
            id,
            machineId: `new-${day}-${i}`,
            hostname: `new-${day}-${i}`,
            enrolledAt: at,
            lastSeenAt: at,
            verdictSince: at,
            staleClockAt: at,
          })),
        );
        active.push(...joining);
      }
      // the day's stored snapshots: hosts whose evidence changed
      const changed = active.filter(() => random() < CHANGE_RATE);
      for (let i = 0; i < changed.length; i += 250) {
        const batch = changed.slice(i, i + 250);
        const inserted = await db
          .insert(snapshots)
          .values(
            batch.map((hostId, k) => {
              const sources = evidence[(day * 31 + i + k) % evidence.length] as Sources;
              return {
                hostId,
                hash: `${hostId}-${day}`,
                collectedAt: at.toISOString(),
                receivedAt: at,
                verdict: "ready",
                sources: { ...sources, uptime: { ok: true as const, text: `${day * 86_400 + k}.00 1.00\n` } },
              };
            }),
          )
          .returning({ id: snapshots.id, hostId: snapshots.hostId });
        // as ingest does: the host points at its newest snapshot
        const pairs = JSON.stringify(inserted.map((r) => ({ id: r.id, h: r.hostId })));
        await db.execute(sql`update hosts h set latest_snapshot_id = (v->>'id')::bigint
          from jsonb_array_elements(${pairs}::jsonb) v where h.id = v->>'h'`);
      }
      const t0 = performance.now();
      const result = await runRetention(ctx);
      const retentionSeconds = (performance.now() - t0) / 1000;
      if (values.vacuum) await db.execute(sql`vacuum snapshots`);
      const size = first<{ db: string; snaps: string; n: string }>(
        await db.execute(sql`select pg_database_size(current_database())::text as db,
          pg_total_relation_size('snapshots')::text as snaps, (select count(*) from snapshots)::text as n`),
      );
      const row: DayRow = {
        day,
        activeHosts: active.length,
        snapshots: Number(size.n),
        inserted: changed.length,
        deleted: result.snapshots,
        deletedHosts: result.hosts,
        databaseMiB: mib(Number(size.db)),
        snapshotsMiB: mib(Number(size.snaps)),
        retentionSeconds: Math.round(retentionSeconds * 100) / 100,
      };
      rows.push(row);
      log(
        `day ${day}: ${row.snapshots} snapshots (+${row.inserted} −${row.deleted}, −${row.deletedHosts} hosts), database ${row.databaseMiB} MiB, snapshots ${row.snapshotsMiB} MiB, retention ${row.retentionSeconds} s`,
      );
    }
    writeReport(rows);
  } finally {
    await handle.close();
    if (!values.keep) await dropDatabase(DATABASE);
  }
}

function writeReport(rows: DayRow[]): void {
  const shown = rows.filter(
    (r) => r.day === 1 || r.day % 10 === 0 || r.day === RETENTION_DAYS + 1 || r.day === rows.length,
  );
  const last = rows.at(-1);
  const plateau = rows.filter((r) => r.day > RETENTION_DAYS + 1);
  const maxDb = Math.max(...rows.map((r) => r.databaseMiB));
  const slowest = Math.max(...rows.map((r) => r.retentionSeconds));
  const argv = process.argv.slice(2).join(" ");
  const lines = [
    START,
    `Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm --filter @kdumpwatch/test bench:retention${argv ? ` ${argv}` : ""}\``,
    `(${HOSTS} hosts, ${DAYS} simulated days, KDUMPWATCH_RETENTION=${RETENTION_DAYS}d, each host storing a new snapshot`,
    `with probability ${CHANGE_RATE} a day, ${CHURN} hosts decommissioned and ${CHURN} enrolled a day; PostgreSQL on this machine;`,
    values.vacuum
      ? "`VACUUM snapshots` after each simulated day, standing in for a real day's autovacuum runs)."
      : "no VACUUM: autovacuum never gets to run in a simulated day of seconds).",
    "",
    "| day | snapshots | stored that day | deleted that day | database (MiB) | snapshots table (MiB) | retention job (s) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...shown.map(
      (r) =>
        `| ${r.day} | ${r.snapshots} | ${r.inserted} | ${r.deleted}${r.deletedHosts > 0 ? ` (+${r.deletedHosts} hosts)` : ""} | ${r.databaseMiB} | ${r.snapshotsMiB} | ${r.retentionSeconds} |`,
    ),
    "",
    plateau.length > 0 && last
      ? `After day ${RETENTION_DAYS + 1} the job deletes about as much as is stored: from day ${RETENTION_DAYS + 2} to day ${last.day} the snapshot count stays between ${Math.min(...plateau.map((r) => r.snapshots))} and ${Math.max(...plateau.map((r) => r.snapshots))}, the database between ${Math.min(...plateau.map((r) => r.databaseMiB))} and ${Math.max(...plateau.map((r) => r.databaseMiB))} MiB (largest over the run: ${maxDb} MiB). Slowest daily job: ${slowest} s.`
      : `Largest database over the run: ${maxDb} MiB.`,
    END,
  ];
  const current = readFileSync(BENCHMARKS_MD, "utf8");
  const block = lines.join("\n");
  const next =
    current.includes(START) && current.includes(END)
      ? current.slice(0, current.indexOf(START)) + block + current.slice(current.indexOf(END) + END.length)
      : `${current.trimEnd()}\n\n## Retention: database size of 10,000 hosts over 90 days\n\n${block}\n`;
  writeFileSync(BENCHMARKS_MD, next);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
