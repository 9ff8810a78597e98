/**
 * What an enrollment batch writes (issue 13: enrollment group commit, services/enroll-batch.ts), in
 * two prepared statements of fixed text whatever the batch size: the machine-ids' advisory locks,
 * then the host records, their credentials and the duplicate records from one JSON parameter with
 * a row per agent. The insert is a statement of its own because a READ COMMITTED statement reads
 * the database as it was when it started: only a statement that starts after the locks are held
 * sees the enrollments of the same machine-ids that committed while it waited.
 */
import type { Tx } from "@kdumpwatch/db";
import type { HostSummary } from "@kdumpwatch/protocol";
import { runPrepared } from "./prepared.ts";

/** One new agent of the batch, everything computed before the transaction. */
export interface EnrollRow {
  hostId: string;
  machineId: string;
  hostname: string;
  agentVersion: string;
  remoteAddress: string | null;
  at: Date;
  /** sha256 of the agent's enroll key, null without one */
  keyHash: string | null;
  /** the agent's labels, null: the defaults */
  agentLabels: Readonly<Record<string, string>> | null;
  /** sha256 of the credential handed out */
  secretHash: string;
}

/** Per row, in the batch's order: `own` — its enroll key names a record of its machine-id, nothing written. */
export type EnrollOutcome = { own: true } | { own: false; duplicateOf: string | null };

// the locks in one order for every batch and every process (hashtext's), so two batches never
// wait for each other in a cycle; the single enrollment's transaction takes one lock only
// (a subquery with ORDER BY is not flattened: the locks are taken in its order)
const LOCK = `select pg_advisory_xact_lock(k) from (
  select distinct hashtext(m) as k from unnest($1::text[]) as m order by 1
) as s`;

// $1: the rows. `own`: a record with this enroll key and machine-id exists, or an earlier row of
// the batch makes one (enrollment.ts then re-enrolls it on its own, after the commit). A new
// record's original is the first active, non-duplicate record of its machine-id, as in
// enrollment.ts; when there is none, the batch's first row of that machine-id is the original of
// the batch's later ones (what enrolling them one after another would give).
const INSERT = `with v as (
  select * from jsonb_to_recordset($1::jsonb) as v(ord int, id text, machine_id text, hostname text,
    agent_version text, remote_address text, at timestamptz, key_hash text, agent_labels jsonb,
    secret_hash text)
), own as (
  select v.ord from v
  where v.key_hash is not null and (
    exists (select 1 from hosts h where h.enroll_key_hash = v.key_hash and h.machine_id = v.machine_id)
    or exists (select 1 from v w where w.key_hash = v.key_hash and w.machine_id = v.machine_id and w.ord < v.ord))
), n as (
  select v.* from v where v.ord not in (select ord from own)
), existing as (
  select distinct on (machine_id) machine_id, id from hosts
  where machine_id in (select machine_id from n) and duplicate_of is null and decommissioned_at is null
  order by machine_id, enrolled_at, id
), first as (
  select distinct on (machine_id) machine_id, id from n order by machine_id, ord
), o as (
  select n.*, coalesce(e.id, nullif(f.id, n.id)) as original
  from n join first f on f.machine_id = n.machine_id left join existing e on e.machine_id = n.machine_id
), h as (
  insert into hosts (id, machine_id, hostname, duplicate_of, agent_version, remote_address,
    enrolled_at, last_seen_at, verdict_since, stale_clock_at, enroll_key_hash, enroll_token_id,
    agent_labels, labels)
  select id, machine_id, hostname, original, agent_version, remote_address, at, at, at, at, key_hash,
    null, coalesce(agent_labels, '{}'::jsonb), coalesce(agent_labels, '{}'::jsonb)
  from o order by ord
), c as (
  insert into host_credentials (host_id, secret_hash, token_id, created_at, revoked_at)
  select id, secret_hash, null, at, null from o order by ord
), d as (
  insert into host_duplicates (kind, original_host_id, duplicate_host_id, machine_id, hostname,
    remote_address, detected_at)
  select 'machine_id', original, id, machine_id, hostname, remote_address, at
  from o where original is not null order by ord
)
select v.ord, o.ord is null as own, o.original
from v left join o on o.ord = v.ord order by v.ord`;

/**
 * Locks the rows' machine-ids (until commit) and writes the new records; one outcome per row. The
 * two statements go out together (one round trip, issue 13): the server runs them in order, so the
 * insert still starts, and reads the database, only once the locks are held.
 */
export async function writeEnrollments(tx: Tx, rows: readonly EnrollRow[]): Promise<EnrollOutcome[]> {
  const locked = runPrepared(tx, "kdw_enroll_lock", LOCK, [rows.map((r) => r.machineId)]);
  const values = JSON.stringify(
    rows.map((r, ord) => ({
      ord,
      id: r.hostId,
      machine_id: r.machineId,
      hostname: r.hostname,
      agent_version: r.agentVersion,
      remote_address: r.remoteAddress,
      at: r.at.toISOString(),
      key_hash: r.keyHash,
      agent_labels: r.agentLabels,
      secret_hash: r.secretHash,
    })),
  );
  const inserted = runPrepared<{ ord: number; own: boolean; original: string | null }>(
    tx,
    "kdw_enroll_batch",
    INSERT,
    [values],
  );
  const [, out] = await Promise.all([locked, inserted]);
  if (out.length !== rows.length) throw new Error(`enrollment batch: ${out.length} of ${rows.length} rows`);
  return out.map((r) => (r.own ? { own: true } : { own: false, duplicateOf: r.original }));
}

/** A new record's columns that INSERT leaves to their defaults: no verdict yet, no listing facts. */
const UNJUDGED = {
  verdict: "unknown",
  os: null,
  kernel: null,
  ramBytes: null,
  crashkernel: null,
  reservedBytes: null,
  ingestFailure: null,
  decommissionedAt: null,
} as const satisfies Partial<HostSummary>;

/**
 * The live view of a record INSERT above wrote, without reading it back (issue 13: one statement
 * fewer per enrollment batch): the batch's own values and the defaults above.
 * enroll-batch.test.ts compares it with the row as read from the database.
 */
export function newHostSummary(row: EnrollRow, duplicateOf: string | null, cutoff: Date): HostSummary {
  const at = row.at.toISOString();
  const labels = Object.entries(row.agentLabels ?? {});
  return {
    ...UNJUDGED,
    failing: [], // nothing failing yet; an array of its own for each event
    id: row.hostId,
    hostname: row.hostname,
    machineId: row.machineId,
    stale: row.at.getTime() < cutoff.getTime(),
    lastSeenAt: at,
    verdictSince: at,
    enrolledAt: at,
    agentVersion: row.agentVersion,
    duplicateOf,
    // sorted by name, as toHostSummary (host-view.ts) gives them
    labels: Object.fromEntries(labels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
