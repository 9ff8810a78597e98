/**
 * Everything an ingest batch writes, in ONE prepared statement (issue 13): the new snapshots, the
 * transitions, the reports (upsert) and the host rows, from one JSON parameter with a row per host.
 * Data-modifying CTEs share one snapshot of the database, so the statement reads the new snapshot
 * ids from the INSERT's RETURNING, not from the table. The text never changes: postgres.js prepares
 * it once per connection, and the server builds no query per snapshot.
 */
import type { Tx } from "@kdumpwatch/db";
import type { HostRow } from "./host-view.ts";
import { runPrepared } from "./prepared.ts";

/** One host of the batch: what it becomes, and which of the writes it needs. */
export interface BatchWrite {
  hostId: string;
  /** when the snapshot was received: received_at, transition time, judged_at, last-seen */
  at: Date;
  /** a new snapshot row (content changed): its hash, collected_at and the sources as JSON text */
  snapshot: { hash: string; collectedAt: string; sourcesJson: string } | null;
  /** a transition row (verdict or failing set changed): the verdict it came from */
  transition: { fromVerdict: string | null } | null;
  /** the report row (judgement changed): checks and facts as JSON text */
  report: { checksJson: string; factsJson: string } | null;
  /** the host row's new columns; latestSnapshotId: kept unless a new snapshot is written */
  host: Pick<
    HostRow,
    | "verdict"
    | "failing"
    | "os"
    | "kernel"
    | "ramBytes"
    | "crashkernel"
    | "reservedBytes"
    | "verdictSince"
    | "contentHash"
    | "judgementHash"
    | "latestSnapshotId"
  >;
}

const TEXT = `with v as (
  select * from jsonb_to_recordset($1::jsonb) as v(id text, at timestamptz, store boolean,
    hash text, collected_at text, sources jsonb, moved boolean, from_verdict text, rejudged boolean,
    checks jsonb, facts jsonb, verdict text, failing text[], os text, kernel text, ram_bytes numeric,
    crashkernel text, reserved_bytes numeric, verdict_since timestamptz, content_hash text,
    judgement_hash text, prev_snapshot_id bigint)
), s as (
  insert into snapshots (host_id, hash, collected_at, received_at, verdict, sources)
  select id, hash, collected_at, at, verdict, sources from v where store
  returning id, host_id
), vs as (
  select v.*, coalesce(s.id, v.prev_snapshot_id) as snapshot_id from v left join s on s.host_id = v.id
), t as (
  insert into transitions (host_id, at, from_verdict, to_verdict, failing, snapshot_id)
  select id, at, from_verdict, verdict, failing, snapshot_id from vs where moved
), r as (
  insert into host_reports (host_id, snapshot_id, judged_at, checks, facts)
  select id, snapshot_id, at, checks, facts from vs where rejudged
  on conflict (host_id) do update set snapshot_id = excluded.snapshot_id,
    judged_at = excluded.judged_at, checks = excluded.checks, facts = excluded.facts
), h as (
  update hosts h set verdict = vs.verdict, failing = vs.failing, os = vs.os, kernel = vs.kernel,
    ram_bytes = vs.ram_bytes, crashkernel = vs.crashkernel, reserved_bytes = vs.reserved_bytes,
    last_seen_at = vs.at, stale_clock_at = vs.at, stale_since = null,
    verdict_since = vs.verdict_since, content_hash = vs.content_hash,
    judgement_hash = vs.judgement_hash, latest_snapshot_id = vs.snapshot_id
  from vs where h.id = vs.id
)
select id, snapshot_id from vs`;

/**
 * The statement's JSON parameter. The sources, checks and facts are already JSON text (the
 * canonical text the judge worker hashed, ingest-prepare.ts): spliced in as they are rather than
 * parsed back or serialised again; jsonb keeps no key order, so the stored values are the same
 * as those of the objects (issue 13).
 */
export function batchParameter(rows: readonly BatchWrite[]): string {
  let text = "[";
  for (const r of rows) {
    const scalars = JSON.stringify(batchScalars(r));
    if (text.length > 1) text += ",";
    // the object's closing brace gives way to the three JSON members
    text += `${scalars.slice(0, -1)},"sources":${r.snapshot?.sourcesJson ?? "null"},"checks":${
      r.report?.checksJson ?? "null"
    },"facts":${r.report?.factsJson ?? "null"}}`;
  }
  return `${text}]`;
}

/** One host's row of the parameter, all but its sources, checks and facts. */
export function batchScalars(r: BatchWrite) {
  return {
    id: r.hostId,
    at: r.at.toISOString(),
    store: r.snapshot !== null,
    hash: r.snapshot?.hash ?? null,
    collected_at: r.snapshot?.collectedAt ?? null,
    moved: r.transition !== null,
    from_verdict: r.transition?.fromVerdict ?? null,
    rejudged: r.report !== null,
    verdict: r.host.verdict,
    failing: r.host.failing,
    os: r.host.os,
    kernel: r.host.kernel,
    ram_bytes: r.host.ramBytes,
    crashkernel: r.host.crashkernel,
    reserved_bytes: r.host.reservedBytes,
    verdict_since: r.host.verdictSince.toISOString(),
    content_hash: r.host.contentHash,
    judgement_hash: r.host.judgementHash,
    prev_snapshot_id: r.host.latestSnapshotId,
  };
}

/** Writes the batch; returns each host's latest snapshot id afterwards (null: it has none). */
export async function writeBatch(tx: Tx, rows: readonly BatchWrite[]): Promise<Map<string, number | null>> {
  const values = batchParameter(rows);
  const out = await runPrepared<{ id: string; snapshot_id: string | number | null }>(
    tx,
    "kdw_ingest_batch_write",
    TEXT,
    [values],
  );
  // bigint comes back as a string (postgres.js) or a number (PGlite)
  return new Map(out.map((r) => [r.id, r.snapshot_id === null ? null : Number(r.snapshot_id)]));
}
