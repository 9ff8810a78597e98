/**
 * The parts of a changed snapshot's CPU that feat/changed2 changed, each measured alone on every
 * capture in test/captures (collected once through the agent's collector, as judge-cost.ts does),
 * so that a loaded machine still compares them (issue 13; BENCHMARKS.md "Changed snapshot: profile
 * and cuts"):
 *   - the event loop: the batch statement's JSON parameter, one JSON.stringify of the objects (before)
 *     or the worker's canonical text spliced in (after); the judgement handed back from the worker
 *     (a structured clone of the whole facts, before, or of the texts and the facts alerting reads);
 *   - the worker: prepareSnapshot's hashing, the two canonical texts hashed (before) or the sources,
 *     checks and facts written once each and reused (after);
 *   - PostgreSQL (with --pg): the batch's write statement, one host per batch as at 60 changed
 *     snapshots/s, with the evidence and reports compressed by pglz (before) or lz4 (after),
 *     CPU of the backend from /proc, alternated.
 * Mean CPU µs per snapshot, best of N runs.
 *
 *   npx tsx bench/changed-cost.ts [--runs 5] [--reps 50] [--pg] [--batches 400]
 * (from test/; --pg uses the server of KDUMPWATCH_BENCH_PG, or 127.0.0.1:5432, database kdw_perf_changed)
 */
import { readdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { collectSnapshot } from "@kdumpwatch/agent";
import { judgeSnapshot, type Snapshot } from "@kdumpwatch/core";
import { openDatabase, sql } from "@kdumpwatch/db";
import { canonicalJson } from "@kdumpwatch/protocol";
import { prepareSnapshot } from "@kdumpwatch/server";
import { type BatchWrite, batchParameter, writeBatch } from "../../apps/server/src/services/ingest-write.ts";
import { sha256Hex } from "../../apps/server/src/services/secrets.ts";
import { dropDatabase, recreateDatabase } from "./lib/database.ts";
import { cpuMicrosPerCall, cpuSeconds, round } from "./lib/process-stats.ts";

const CAPTURES = resolve(import.meta.dirname, "../captures");
const NOW = new Date("2026-12-01T12:00:00Z");
const DB = "kdw_perf_changed";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    reps: { type: "string", default: "50" },
    pg: { type: "boolean", default: false },
    batches: { type: "string", default: "400" },
  },
});
const RUNS = Number(values.runs);
const REPS = Number(values.reps);

const names = readdirSync(CAPTURES)
  .filter((n) => statSync(join(CAPTURES, n)).isDirectory())
  .sort();
const snapshots: Snapshot[] = [];
for (const name of names)
  snapshots.push(await collectSnapshot({ root: join(CAPTURES, name), now: () => NOW }));

const rows = snapshots.map((snapshot) => {
  const judged = judgeSnapshot(snapshot, NOW);
  return { snapshot, judged, prepared: prepareSnapshot(() => judged, snapshot, NOW) };
});

/** what the worker handed back before: the whole facts, no texts */
const replyBefore = (r: (typeof rows)[number]) => {
  const { sourcesJson: _s, checksJson: _c, factsJson: _f, ...rest } = r.prepared;
  return { id: 1, ok: true, prepared: { ...rest, facts: r.judged.facts } };
};
const replyAfter = (r: (typeof rows)[number]) => ({ id: 1, ok: true, prepared: r.prepared });

/** one host's row of the batch statement, as ingest-batch.ts builds it */
function batchRow(i: number, r: (typeof rows)[number]): BatchWrite {
  const p = r.prepared;
  return {
    hostId: `h${i}`,
    at: NOW,
    snapshot: { hash: p.contentHash, collectedAt: r.snapshot.collectedAt, sourcesJson: p.sourcesJson },
    transition: null,
    report: { checksJson: p.checksJson, factsJson: p.factsJson },
    host: {
      verdict: p.verdict,
      failing: p.failing,
      ...p.listing,
      verdictSince: NOW,
      contentHash: p.contentHash,
      judgementHash: p.judgementHash,
      latestSnapshotId: null,
    },
  };
}

/** the parameter as writeBatch built it before: JSON.stringify over the objects */
function parameterBefore(i: number, r: (typeof rows)[number]): string {
  const w = batchRow(i, r);
  return JSON.stringify([
    {
      id: w.hostId,
      at: w.at.toISOString(),
      store: true,
      hash: w.snapshot?.hash,
      collected_at: w.snapshot?.collectedAt,
      sources: r.snapshot.sources,
      moved: false,
      from_verdict: null,
      rejudged: true,
      checks: r.judged.checks,
      facts: r.judged.facts,
      verdict: w.host.verdict,
      failing: w.host.failing,
      os: w.host.os,
      kernel: w.host.kernel,
      ram_bytes: w.host.ramBytes,
      crashkernel: w.host.crashkernel,
      reserved_bytes: w.host.reservedBytes,
      verdict_since: w.host.verdictSince.toISOString(),
      content_hash: w.host.contentHash,
      judgement_hash: w.host.judgementHash,
      prev_snapshot_id: null,
    },
  ]);
}

/** prepareSnapshot's hashing before: two canonical texts, nothing kept */
function hashesBefore(r: (typeof rows)[number]): string {
  const { collectedAt: _c, ...stableFacts } = r.judged.facts;
  return (
    sha256Hex(canonicalJson(r.snapshot.sources)) +
    sha256Hex(canonicalJson({ checks: r.judged.checks, facts: stableFacts }))
  );
}

const perSnapshot = (fn: (r: (typeof rows)[number], i: number) => unknown) =>
  round(
    cpuMicrosPerCall(
      () => {
        for (let i = 0; i < rows.length; i++) fn(rows[i] as (typeof rows)[number], i);
      },
      { runs: RUNS, reps: REPS },
    ) / rows.length,
    1,
  );

// warm up: every path compiled before any timing
for (let k = 0; k < 10; k++)
  rows.forEach((r, i) => {
    parameterBefore(i, r);
    batchParameter([batchRow(i, r)]);
    structuredClone(replyBefore(r));
    structuredClone(replyAfter(r));
    hashesBefore(r);
    prepareSnapshot(() => r.judged, r.snapshot, NOW);
  });

const result: Record<string, unknown> = {
  command: `npx tsx bench/changed-cost.ts ${process.argv.slice(2).join(" ")}`.trim(),
  captures: rows.length,
  loadBefore: loadavg().map((x) => round(x, 1)),
  "event loop: batch parameter, µs/snapshot": {
    before: perSnapshot((r, i) => parameterBefore(i, r)),
    after: perSnapshot((r, i) => batchParameter([batchRow(i, r)])),
  },
  "judgement handed back (structured clone, both ends), µs/snapshot": {
    before: perSnapshot((r) => structuredClone(replyBefore(r))),
    after: perSnapshot((r) => structuredClone(replyAfter(r))),
  },
  "worker: hashes (prepareSnapshot with the judgement given), µs/snapshot": {
    before: perSnapshot((r) => hashesBefore(r)),
    after: perSnapshot((r) => prepareSnapshot(() => r.judged, r.snapshot, NOW)),
  },
};

if (values.pg) result.postgres = await postgresWrite(Number(values.batches));
result.loadAfter = loadavg().map((x) => round(x, 1));
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

/** CPU of one backend per batch of one host: the write statement with pglz and lz4, alternated. */
async function postgresWrite(batches: number): Promise<Record<string, number[]>> {
  const url = await recreateDatabase(DB);
  const handle = await openDatabase({ url, migrate: true, poolSize: 1 });
  const run = (q: string) => handle.db.execute(sql.raw(q));
  try {
    const res = await handle.db.execute(sql`select pg_backend_pid() as pid`);
    const pid = Number(
      ((Array.isArray(res) ? res : (res as { rows: unknown[] }).rows)[0] as { pid: number }).pid,
    );
    await run(
      `insert into hosts (id, machine_id, hostname, enrolled_at, last_seen_at, verdict_since, stale_clock_at)
       select 'h' || i, 'm' || i, 'host' || i, now(), now(), now(), now() from generate_series(0, ${batches - 1}) i`,
    );
    const out: Record<string, number[]> = { pglz: [], lz4: [] };
    let first = true;
    // the first pass (not counted) writes every host's report, so each counted one updates them as
    // ingest does; the snapshots table grows as it does
    for (const method of ["pglz", "pglz", "lz4", "pglz", "lz4"] as const) {
      for (const column of ["snapshots.sources", "host_reports.checks", "host_reports.facts"]) {
        const [table, col] = column.split(".");
        await run(`alter table ${table} alter column ${col} set compression ${method}`);
      }
      const cpu0 = cpuSeconds(pid) ?? 0;
      for (let i = 0; i < batches; i++) {
        const r = rows[i % rows.length] as (typeof rows)[number];
        await handle.db.transaction((tx) => writeBatch(tx, [batchRow(i, r)]));
      }
      const cpu = (cpuSeconds(pid) ?? 0) - cpu0;
      if (first) first = false;
      else out[method]?.push(round((cpu * 1e6) / batches, 0));
    }
    return out;
  } finally {
    await handle.close();
    await dropDatabase(DB).catch(() => {});
  }
}
