/**
 * The kdumpwatch schema (product.md §5). Migrations in ../drizzle are generated from this file with
 * `pnpm --filter @kdumpwatch/db generate` and committed; they must stay PostgreSQL 15 compatible
 * (PGlite is 18, production may be 15: docs/stack.md §6).
 *
 * Secrets (enrollment tokens, host credentials, sessions, the admin token) are stored only as
 * sha256 hex digests.
 */
import type { CheckResult, HostFacts } from "@kdumpwatch/core";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { byteCount } from "./schema/byte-count-column.ts";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Latest state of every host, denormalised for the list and the summary (one row per host, updated
 * in place by ingest). `failing` holds check ids with status fail or warn.
 *
 * Staleness: `stale_clock_at` is the moment the host's stale countdown started. Ingest sets it to the
 * receive time; after a server outage it is moved to the restart time for every host that was not
 * yet stale, so time the server was down never counts (product.md §6). A host is stale when
 * `stale_clock_at < now - staleAfter`. `stale_since` is set by the (single) stale sweeper, which
 * publishes the change once.
 */
export const hosts = pgTable(
  "hosts",
  {
    id: text("id").primaryKey(),
    machineId: text("machine_id").notNull(),
    hostname: text("hostname").notNull(),
    duplicateOf: text("duplicate_of").references((): AnyPgColumn => hosts.id, { onDelete: "set null" }),
    verdict: text("verdict").notNull().default("unknown"),
    failing: text("failing").array().notNull().default(sql`'{}'::text[]`),
    os: text("os"),
    kernel: text("kernel"),
    ramBytes: byteCount("ram_bytes"),
    crashkernel: text("crashkernel"),
    reservedBytes: byteCount("reserved_bytes"),
    agentVersion: text("agent_version"),
    remoteAddress: text("remote_address"),
    enrolledAt: ts("enrolled_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
    verdictSince: ts("verdict_since").notNull(),
    staleClockAt: ts("stale_clock_at").notNull(),
    staleSince: ts("stale_since"),
    /**
     * set when a snapshot of this host could not be stored or judged (kept from the first failure
     * until one is stored again), with the reason: the last verdict is then not current evidence
     */
    ingestFailingSince: ts("ingest_failing_since"),
    ingestFailureReason: text("ingest_failure_reason"),
    /** canonical-JSON sha256 of the latest stored snapshot's sources */
    contentHash: text("content_hash"),
    /** sha256 of the latest judgement (checks + facts): host_reports is rewritten only on change */
    judgementHash: text("judgement_hash"),
    latestSnapshotId: bigint("latest_snapshot_id", { mode: "number" }),
    /**
     * Host labels (team, site, environment…): `agent_labels` as the agent's configuration sends them
     * in `hello` (replaced by each hello that carries labels), `api_labels` as set through the API or
     * CLI, and `labels` the effective set ({...agent_labels, ...api_labels}, the API wins), which is
     * what lists filter on and alerts carry.
     */
    agentLabels: jsonb("agent_labels").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    apiLabels: jsonb("api_labels").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    labels: jsonb("labels").$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    /**
     * Lifecycle (docs/security.md "Identity and lifecycle"): sha256 of the agent's enroll key
     * (`<stateDir>/enroll-key`), which proves on a later enrollment that it is this host again; the
     * enrollment token that created the record (null for the fleet token), for the token's host cap;
     * and when the host was decommissioned (null = active). A decommissioned host is kept, out of
     * every list, count and alert, until retention deletes it.
     */
    enrollKeyHash: text("enroll_key_hash"),
    enrollTokenId: text("enroll_token_id"),
    decommissionedAt: ts("decommissioned_at"),
  },
  (t) => [
    index("hosts_machine_id_idx").on(t.machineId),
    index("hosts_hostname_idx").on(t.hostname, t.id),
    // the host list's search (`hostname ilike '%q%'`): pg_trgm, created by migration 0008 (PGlite
    // loads it as an extension at open and keeps its GIN pending lists short, open.ts)
    index("hosts_hostname_trgm_idx").using("gin", t.hostname.op("gin_trgm_ops")),
    index("hosts_verdict_idx").on(t.verdict, t.hostname, t.id),
    index("hosts_failing_idx").using("gin", t.failing),
    index("hosts_os_idx").on(t.os, t.id),
    index("hosts_kernel_idx").on(t.kernel, t.id),
    // `sort=-ramBytes` exactly as host-query.ts orders it (nulls last, then largest first): the
    // list of the biggest hosts walks this instead of sorting every matching row
    index("hosts_ram_bytes_desc_idx").on(
      sql`(${t.ramBytes} is null)`,
      sql`coalesce(${t.ramBytes}, '0'::numeric) desc`,
      t.id.desc().nullsFirst(),
    ),
    // `sort=ramBytes`: the same key ascending (nulls still last, so the index above read backwards
    // would put them first); migration 0009
    index("hosts_ram_bytes_asc_idx").on(
      sql`(${t.ramBytes} is null)`,
      sql`coalesce(${t.ramBytes}, '0'::numeric)`,
      t.id,
    ),
    // `sort=failing` and `-failing` (forwards and backwards): the number of failing checks, then the
    // hostname, as host-query.ts orders it; migration 0009
    index("hosts_failing_count_idx").on(sql`cardinality(${t.failing})`, t.hostname, t.id),
    index("hosts_last_seen_idx").on(t.lastSeenAt, t.id),
    index("hosts_verdict_since_idx").on(t.verdictSince, t.id),
    index("hosts_enrolled_idx").on(t.enrolledAt, t.id),
    index("hosts_stale_clock_idx").on(t.staleClockAt, t.id),
    index("hosts_duplicate_of_idx").on(t.duplicateOf),
    // `labels @> '{"team":"storage"}'` (the host list's label filter)
    index("hosts_labels_idx").using("gin", t.labels),
    index("hosts_enroll_key_idx").on(t.enrollKeyHash),
    index("hosts_enroll_token_idx").on(t.enrollTokenId),
    index("hosts_decommissioned_idx").on(t.decommissionedAt),
    // the alert tick's KdumpIngestFailing select, every second: the few hosts marked, not a scan of
    // every host (partial, so the rows of hosts that store fine are not in it); migration 0010
    index("hosts_ingest_failing_idx").on(t.id).where(sql`${t.ingestFailingSince} is not null`),
  ],
);

/**
 * One credential per host, issued at enrollment (product.md §7). Looked up by its secret's hash, so
 * a merge can move a credential to another host record. `revoked_at` is set when the host is
 * decommissioned: the row stays so that its agent is told why it is refused.
 */
export const hostCredentials = pgTable(
  "host_credentials",
  {
    hostId: text("host_id")
      .primaryKey()
      .references(() => hosts.id, { onDelete: "cascade" }),
    secretHash: text("secret_hash").notNull(),
    /** the enrollment token used, null for the fleet token from the environment */
    tokenId: text("token_id"),
    createdAt: ts("created_at").notNull(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("host_credentials_secret_idx").on(t.secretHash)],
);

/** The latest judgement of each host, for the detail page. */
export const hostReports = pgTable("host_reports", {
  hostId: text("host_id")
    .primaryKey()
    .references(() => hosts.id, { onDelete: "cascade" }),
  snapshotId: bigint("snapshot_id", { mode: "number" }),
  judgedAt: ts("judged_at").notNull(),
  checks: jsonb("checks").$type<CheckResult[]>().notNull(),
  facts: jsonb("facts").$type<HostFacts>().notNull(),
});

/** Raw evidence, stored only when its content hash differs from the host's previous snapshot. */
export const snapshots = pgTable(
  "snapshots",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    hostId: text("host_id")
      .notNull()
      .references(() => hosts.id, { onDelete: "cascade" }),
    hash: text("hash").notNull(),
    /** as reported by the agent (host clock, untrusted) */
    collectedAt: text("collected_at").notNull(),
    receivedAt: ts("received_at").notNull(),
    verdict: text("verdict").notNull(),
    /** as validated on the wire: unknown source names are kept */
    sources: jsonb("sources").$type<SnapshotPayload["sources"]>().notNull(),
  },
  // received_at: the retention job deletes the oldest snapshots first (services/retention.ts)
  (t) => [index("snapshots_host_idx").on(t.hostId, t.id), index("snapshots_received_idx").on(t.receivedAt)],
);

/** Append-only: one row per change of verdict or failing set. */
export const transitions = pgTable(
  "transitions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    hostId: text("host_id")
      .notNull()
      .references(() => hosts.id, { onDelete: "cascade" }),
    at: ts("at").notNull(),
    fromVerdict: text("from_verdict"),
    toVerdict: text("to_verdict").notNull(),
    failing: text("failing").array().notNull(),
    snapshotId: bigint("snapshot_id", { mode: "number" }),
  },
  (t) => [index("transitions_host_idx").on(t.hostId, t.id), index("transitions_at_idx").on(t.at)],
);

export const enrollmentTokens = pgTable("enrollment_tokens", {
  id: text("id").primaryKey(),
  secretHash: text("secret_hash").notNull().unique(),
  label: text("label"),
  maxUses: integer("max_uses").notNull(),
  uses: integer("uses").notNull().default(0),
  /** at most this many active (not decommissioned) hosts enrolled with this token; null = no cap */
  maxHosts: integer("max_hosts"),
  expiresAt: ts("expires_at").notNull(),
  createdAt: ts("created_at").notNull(),
  revokedAt: ts("revoked_at"),
});

/** A machine-id seen on more than one host record, or a credential presented by another machine. */
export const hostDuplicates = pgTable(
  "host_duplicates",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    originalHostId: text("original_host_id")
      .notNull()
      .references(() => hosts.id, { onDelete: "cascade" }),
    duplicateHostId: text("duplicate_host_id").references(() => hosts.id, { onDelete: "cascade" }),
    machineId: text("machine_id").notNull(),
    hostname: text("hostname").notNull(),
    remoteAddress: text("remote_address"),
    detectedAt: ts("detected_at").notNull(),
  },
  (t) => [
    index("host_duplicates_original_idx").on(t.originalHostId),
    index("host_duplicates_duplicate_idx").on(t.duplicateHostId),
  ],
);

/** Dashboard login sessions (cookie value stored hashed). */
export const sessions = pgTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Credentials for machines that read, never administer: each has a closed set of scopes
 * (`metrics:read` lets Prometheus scrape `/metrics` and nothing else). Stored hashed like every
 * other secret; `last_used_at` is moved at most once a minute.
 */
export const apiTokens = pgTable("api_tokens", {
  id: text("id").primaryKey(),
  secretHash: text("secret_hash").notNull().unique(),
  scopes: text("scopes").array().notNull(),
  label: text("label"),
  createdAt: ts("created_at").notNull(),
  revokedAt: ts("revoked_at"),
  lastUsedAt: ts("last_used_at"),
});

/** Small key/value settings, e.g. `admin_token_hash`. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: ts("updated_at").notNull(),
});

/**
 * The fleet summary's read model (issue 13): hosts per (dimension, value, verdict), so
 * `/api/fleet/summary` reads a few hundred rows instead of scanning `hosts`. Dimensions: `all`
 * (value ''), `os` and `kernel` (value '' for none, else 'v:' + the text), `failing` (a check id),
 * `duplicate` ('yes'/'no'). A trigger on `hosts` (migration 0005_ingest_read_models) appends
 * +1/−1 rows to `fleet_count_deltas` whenever a host is added, removed or changes one of those
 * columns: appends never wait for one another, unlike counters updated in place by concurrent
 * ingest transactions. The elected process folds the deltas into `fleet_counts` every few seconds
 * (services/fleet-counts.ts); readers add both.
 */
export const fleetCounts = pgTable(
  "fleet_counts",
  {
    dimension: text("dimension").notNull(),
    value: text("value").notNull(),
    verdict: text("verdict").notNull(),
    hosts: bigint("hosts", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.value, t.verdict] })],
);

export const fleetCountDeltas = pgTable("fleet_count_deltas", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  dimension: text("dimension").notNull(),
  value: text("value").notNull(),
  verdict: text("verdict").notNull(),
  hosts: integer("hosts").notNull(),
});

/** Liveness of each server process; the basis for "time the server was down does not count". */
export const serverInstances = pgTable(
  "server_instances",
  {
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull(),
    pid: integer("pid").notNull(),
    startedAt: ts("started_at").notNull(),
    beatAt: ts("beat_at").notNull(),
    stoppedAt: ts("stopped_at"),
  },
  (t) => [index("server_instances_beat_idx").on(t.beatAt)],
);

// Alerting tables (alerts, alert_outbox, …) live in ./schema/alerting.ts (drizzle.config.ts lists both).
