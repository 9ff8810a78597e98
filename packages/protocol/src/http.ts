/**
 * The server's HTTP API and live-event shapes (product.md §4). The server validates requests with
 * these schemas and the dashboard parses responses with them, so both sides agree by construction.
 * Kept apart from wire.ts (the agent protocol); written with zod/mini like wire.ts so that nothing
 * heavy reaches the agent bundle through the package index.
 *
 * Conventions: timestamps are ISO-8601 UTC strings; byte counts are core's ByteCount (a number
 * below 2^53, a decimal string from 2^53 on, so they stay exact); a value the server does not know
 * is `null`, never absent. Check ids are plain strings in responses: ids only
 * grow (product.md §2), and a stored id must never make a response unparseable.
 */

import { type ByteCount, CHECK_IDS, CHECK_STATUSES, isByteCount, VERDICTS } from "@kdumpwatch/core";
import * as z from "zod/mini";
import { HostLabelSourcesSchema, LabelFilterSchema } from "./labels.ts";
import { SourceResultSchema } from "./wire.ts";

const iso = z.iso.datetime();
const count = z.number().check(z.int(), z.nonnegative());
/** Bytes, exact at any size: a safe integer, or a canonical decimal string from 2^53 to 2^64 − 1. */
export const ByteCountSchema = z.custom<ByteCount>((v) => isByteCount(v), {
  message: "expected a byte count: an integer below 2^53, or its decimal string up to 2^64 - 1",
});
const bytes = z.nullable(ByteCountSchema);

// ---------------------------------------------------------------------------------------------
// Errors: one shape for every failure (house-style §14)

export const API_ERROR_CODES = [
  "bad_request",
  "unauthorized",
  "not_found",
  "conflict",
  "payload_too_large",
  "rate_limited",
  "unavailable",
  "internal",
  /** the path exists, the method does not (405, with an Allow header) */
  "method_not_allowed",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    requestId: z.string(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

// ---------------------------------------------------------------------------------------------
// Shared pieces

export const VerdictSchema = z.enum(VERDICTS);

export const EvidenceSchema = z.object({ source: z.string(), text: z.string() });

export const CheckResultSchema = z.object({
  id: z.string(),
  status: z.enum(CHECK_STATUSES),
  summary: z.string(),
  evidence: z.array(EvidenceSchema),
  remediation: z.optional(z.array(z.string())),
});
export type CheckResultDto = z.infer<typeof CheckResultSchema>;

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const MAX_DURATION_MS = 90 * 86_400_000;

/** `90s`, `30m`, `24h`, `7d` or plain seconds, as milliseconds (at most 90 days). */
export const DurationSchema = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^\d{1,9}[smhd]?$/, { error: "expected a duration like 90s, 30m, 24h or 7d" })),
    z.transform((s) => Number.parseInt(s, 10) * (DURATION_UNITS[s.slice(-1)] ?? 1000)),
  ),
  z
    .number()
    .check(z.minimum(1000, { error: "at least 1s" }), z.maximum(MAX_DURATION_MS, { error: "at most 90d" })),
);

// ---------------------------------------------------------------------------------------------
// Hosts

/** One row of the host list, also the payload of live host events. */
/**
 * The pseudo-check of the alert (KdumpIngestFailing) and dashboard badge raised when a host's
 * snapshots cannot be stored or judged: its last verdict is then not current evidence.
 */
export const INGEST_FAILING_CHECK = "host.ingest-failing";

/** Why a snapshot was not stored (`ingestFailure.reason`, metric label `reason`). */
export const INGEST_FAILURE_REASONS = [
  "judge",
  "database_rejected",
  "database_timeout",
  "database_storage",
  "database_connection",
] as const;
export type IngestFailureReason = (typeof INGEST_FAILURE_REASONS)[number];

export const IngestFailureSchema = z.object({
  /** the first failure since the last stored snapshot */
  since: iso,
  reason: z.string(),
});
export type IngestFailure = z.infer<typeof IngestFailureSchema>;

export const HostSummarySchema = z.object({
  id: z.string(),
  hostname: z.string(),
  machineId: z.string(),
  verdict: VerdictSchema,
  /** no report for longer than the stale threshold (server downtime not counted) */
  stale: z.boolean(),
  /** ids of checks with status fail or warn, or unknown on a critical check; in catalogue order */
  failing: z.array(z.string()),
  /** os-release PRETTY_NAME (or NAME VERSION_ID) */
  os: z.nullable(z.string()),
  /** running kernel release (uname -r) */
  kernel: z.nullable(z.string()),
  ramBytes: bytes,
  /** the effective crashkernel= value, as written on the command line */
  crashkernel: z.nullable(z.string()),
  reservedBytes: bytes,
  lastSeenAt: iso,
  verdictSince: iso,
  enrolledAt: iso,
  agentVersion: z.nullable(z.string()),
  /** set when this host enrolled with a machine-id another host already had (product.md §7) */
  duplicateOf: z.nullable(z.string()),
  /**
   * effective host labels (agent configuration overridden by the API); carried into alert labels.
   * Added after v1: an answer without it (an older server) reads as no labels.
   */
  labels: z._default(z.record(z.string(), z.string()), {}),
  /**
   * when the host was decommissioned; null for an active host. Decommissioned hosts are listed only
   * when asked for (`?decommissioned=true`). Added after v1: absent reads as active.
   */
  decommissionedAt: z._default(z.nullable(iso), null),
  /**
   * set while this host's snapshots cannot be stored or judged ("evidence not stored since …"):
   * the verdict above is the last one stored. Added after v1: absent reads as null.
   */
  ingestFailure: z._default(z.nullable(IngestFailureSchema), null),
});
export type HostSummary = z.infer<typeof HostSummarySchema>;

/** Columns the host list can be sorted by; prefix with `-` for descending. */
export const HOST_SORT_FIELDS = [
  "hostname",
  "verdict",
  "stale",
  "os",
  "kernel",
  "ramBytes",
  "crashkernel",
  "reservedBytes",
  "lastSeenAt",
  "verdictSince",
  "enrolledAt",
  /** the number of failing checks, then the hostname */
  "failing",
] as const;
export type HostSortField = (typeof HOST_SORT_FIELDS)[number];

/** `a,b,c` → ["a", "b", "c"], then each item checked. */
const verdictList = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s) => s.split(",").filter((p) => p !== "")),
  ),
  z.array(VerdictSchema),
);

/**
 * Filters shared by `GET /api/hosts` and `GET /api/hosts.csv` (query strings, so all values arrive
 * as text). `verdict` takes a comma-separated list; `check` a single check id (hosts failing it).
 */
export const HostFilterSchema = z.object({
  verdict: z.optional(verdictList),
  check: z.optional(z.enum(CHECK_IDS)),
  /** case-insensitive substring of the hostname */
  q: z.optional(z.string().check(z.maxLength(255))),
  os: z.optional(z.string().check(z.maxLength(255))),
  kernel: z.optional(z.string().check(z.maxLength(255))),
  stale: z.optional(z.stringbool()),
  /** `name=value`, repeatable (every one must match): hosts carrying these labels */
  label: z.optional(LabelFilterSchema),
  /** hosts whose verdict changed (or that first reported) within this duration, e.g. `24h`, `7d` */
  changed: z.optional(DurationSchema),
  /** `true`: only decommissioned hosts; absent or `false`: only active hosts (the default everywhere) */
  decommissioned: z.optional(z.stringbool()),
});
export type HostFilter = z.infer<typeof HostFilterSchema>;

export const HostSortSchema = z.templateLiteral([z.optional(z.literal("-")), z.enum(HOST_SORT_FIELDS)]);
export type HostSort = z.infer<typeof HostSortSchema>;

export const HOST_LIST_MAX_LIMIT = 500;

export const HostListQuerySchema = z.extend(HostFilterSchema, {
  /** default `hostname` */
  sort: z.optional(HostSortSchema),
  /** opaque; the `nextCursor` of the previous page, used with the same filters and sort */
  cursor: z.optional(z.string().check(z.maxLength(1024))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(HOST_LIST_MAX_LIMIT)), 50),
});
export type HostListQuery = z.infer<typeof HostListQuerySchema>;

export const HostListSchema = z.object({
  hosts: z.array(HostSummarySchema),
  /** null on the last page */
  nextCursor: z.nullable(z.string()),
});
export type HostList = z.infer<typeof HostListSchema>;

export const DUPLICATE_KINDS = [
  /** a new enrollment presented a machine-id an enrolled host already has */
  "machine_id",
  /** a host credential was presented with a machine-id other than the one it was issued to */
  "credential_mismatch",
] as const;

export const DuplicateSchema = z.object({
  id: z.number(),
  kind: z.enum(DUPLICATE_KINDS),
  /** the host that was enrolled first with this machine-id */
  originalHostId: z.string(),
  /** the other host record, when one was created (kind machine_id) */
  duplicateHostId: z.nullable(z.string()),
  machineId: z.string(),
  hostname: z.string(),
  remoteAddress: z.nullable(z.string()),
  detectedAt: iso,
});
export type Duplicate = z.infer<typeof DuplicateSchema>;

export const HostDetailSchema = z.object({
  host: HostSummarySchema,
  /** every check of the latest judgement; empty before the first snapshot */
  checks: z.array(CheckResultSchema),
  /** core's facts of the latest judgement (shape owned by packages/core); null before any snapshot */
  facts: z.nullable(z.record(z.string(), z.unknown())),
  /** raw source texts of the latest stored snapshot; null before any snapshot */
  sources: z.nullable(z.record(z.string(), SourceResultSchema)),
  snapshot: z.nullable(
    z.object({ id: z.number(), hash: z.string(), collectedAt: z.string(), receivedAt: iso }),
  ),
  agent: z.object({
    version: z.nullable(z.string()),
    remoteAddress: z.nullable(z.string()),
    enrolledAt: iso,
    lastSeenAt: iso,
  }),
  /** duplicate records involving this host, either as the original or as the duplicate */
  duplicates: z.array(DuplicateSchema),
  /** the host's labels and where each set comes from (added after v1; absent = none) */
  labelSources: z._default(HostLabelSourcesSchema, { labels: {}, agent: {}, api: {} }),
});
export type HostDetail = z.infer<typeof HostDetailSchema>;

export const TransitionSchema = z.object({
  id: z.number(),
  at: iso,
  /** null for the first judgement of a host */
  from: z.nullable(VerdictSchema),
  to: VerdictSchema,
  failing: z.array(z.string()),
});
export type Transition = z.infer<typeof TransitionSchema>;

export const HostHistoryQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 100),
});

/** Newest first. */
export const HostHistorySchema = z.object({
  transitions: z.array(TransitionSchema),
  snapshots: z.array(
    z.object({
      id: z.number(),
      receivedAt: iso,
      collectedAt: z.string(),
      hash: z.string(),
      verdict: VerdictSchema,
    }),
  ),
});
export type HostHistory = z.infer<typeof HostHistorySchema>;

// ---------------------------------------------------------------------------------------------
// Fleet summary

/** `hosts` in one OS release or kernel, and how many of them are in each verdict (they add up to `hosts`). */
const Bucket = z.object({
  value: z.nullable(z.string()),
  hosts: count,
  ready: count,
  at_risk: count,
  not_ready: count,
  unknown: count,
});

export const FleetSummarySchema = z.object({
  total: count,
  verdicts: z.record(VerdictSchema, count),
  stale: count,
  /** hosts failing each check (as in HostSummary.failing), most common first */
  failingChecks: z.array(z.object({ check: z.string(), hosts: count })),
  /** hosts per OS and per kernel release (with their verdicts), most common first, at most 100 each (null = unknown) */
  os: z.array(Bucket),
  kernels: z.array(Bucket),
  /** host records flagged as duplicates of another host's machine-id */
  duplicates: count,
  generatedAt: iso,
});
export type FleetSummary = z.infer<typeof FleetSummarySchema>;

// ---------------------------------------------------------------------------------------------
// Session (dashboard login) and enrollment tokens

export const SessionCreateSchema = z.object({ token: z.string().check(z.minLength(1), z.maxLength(512)) });
export type SessionCreate = z.infer<typeof SessionCreateSchema>;

/** Answer of `GET /api/session`, `POST /api/session` and `DELETE /api/session`. */
export const SessionSchema = z.object({ authenticated: z.boolean() });
export type Session = z.infer<typeof SessionSchema>;

export const TokenCreateSchema = z.object({
  label: z.optional(z.string().check(z.maxLength(200))),
  /** how many enrollments the token allows */
  uses: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000)), 1),
  /** lifetime in seconds, from creation */
  ttlSeconds: z._default(z.number().check(z.int(), z.minimum(60), z.maximum(366 * 86_400)), 86_400),
  /** at most this many active hosts enrolled with the token (re-enrollments of its hosts do not count) */
  maxHosts: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))),
});
export type TokenCreate = z.infer<typeof TokenCreateSchema>;

export const EnrollmentTokenSchema = z.object({
  id: z.string(),
  label: z.nullable(z.string()),
  uses: count,
  maxUses: count,
  expiresAt: iso,
  createdAt: iso,
  revokedAt: z.nullable(iso),
  /** neither expired, used up nor revoked */
  active: z.boolean(),
  /** the host cap (added after v1; absent or null = none) */
  maxHosts: z._default(z.nullable(count), null),
});
export type EnrollmentToken = z.infer<typeof EnrollmentTokenSchema>;

export const TokenListSchema = z.object({ tokens: z.array(EnrollmentTokenSchema) });
export type TokenList = z.infer<typeof TokenListSchema>;

/** The secret is shown once, here; the server keeps only its hash. */
export const TokenCreatedSchema = z.object({ token: EnrollmentTokenSchema, secret: z.string() });
export type TokenCreated = z.infer<typeof TokenCreatedSchema>;

// ---------------------------------------------------------------------------------------------
// Health

export const HealthSchema = z.object({ status: z.literal("ok") });
/** `reason` when not ready: shutting_down, or database_<connection|timeout|storage|database> */
export const ReadySchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  reason: z.optional(z.string()),
});

// ---------------------------------------------------------------------------------------------
// Live events: `GET /api/events` (server-sent events). The SSE `event:` name equals `type`; `data:`
// is the JSON of the whole event. A `summary` event is sent first on connect and then, debounced,
// whenever hosts change.

export const LIVE_EVENT_TYPES = ["host", "host_stale", "summary"] as const;

export const HostEventSchema = z.object({ type: z.literal("host"), host: HostSummarySchema });
/** the host crossed the stale threshold (or stopped being stale without a new report) */
export const HostStaleEventSchema = z.object({ type: z.literal("host_stale"), host: HostSummarySchema });
export const SummaryEventSchema = z.object({ type: z.literal("summary"), summary: FleetSummarySchema });

export const LiveEventSchema = z.discriminatedUnion("type", [
  HostEventSchema,
  HostStaleEventSchema,
  SummaryEventSchema,
]);
export type LiveEvent = z.infer<typeof LiveEventSchema>;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Alerts and silences: owned by the alerting engine (apps/server/src/alerting, docs/alerting.md).
// `GET /api/alerts`, `GET|POST /api/silences`, `DELETE /api/silences/:id`.

/** pending: condition holding, not yet for the hold time; clearing: firing, condition gone, not yet for the hold time */
export const ALERT_STATES = ["pending", "firing", "clearing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const AlertStateSchema = z.enum(ALERT_STATES);

export const AlertSchema = z.object({
  id: z.number(),
  hostId: z.string(),
  hostname: z.string(),
  /** KdumpCheckFailing, KdumpHostStale, KdumpDuplicateMachineId, KdumpCrashDumpFound (may grow) */
  alertname: z.string(),
  /** a check id, or host.stale / host.duplicate-machine-id */
  check: z.string(),
  /** the dump name for KdumpCrashDumpFound, "" otherwise */
  subject: z.string(),
  severity: z.string(),
  state: AlertStateSchema,
  /** when the condition began */
  startsAt: iso,
  firedAt: z.nullable(iso),
  resolvedAt: z.nullable(iso),
  lastNotifiedAt: z.nullable(iso),
  summary: z.string(),
  remediation: z.string(),
  /** ids of the active silences that match it */
  silencedBy: z.array(z.string()),
});
export type Alert = z.infer<typeof AlertSchema>;

export const ALERT_LIST_MAX_LIMIT = 10_000;

export const AlertListQuerySchema = z.object({
  /** also list alerts resolved within this window (default 24h) */
  resolvedWithin: z._default(DurationSchema, 86_400_000),
  hostId: z.optional(z.string().check(z.maxLength(64))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(ALERT_LIST_MAX_LIMIT)), 1000),
});
export type AlertListQuery = z.infer<typeof AlertListQuerySchema>;

/** Open alerts first (firing, clearing, pending; newest first), then resolved ones, newest first. */
export const AlertListSchema = z.object({
  alerts: z.array(AlertSchema),
  /** more alerts matched than `limit` */
  truncated: z.boolean(),
  generatedAt: iso,
});
export type AlertList = z.infer<typeof AlertListSchema>;

const labelName = z.string().check(z.regex(/^[a-z_][a-z0-9_]{0,63}$/, { error: "expected a label name" }));

/** Every given matcher must match; at least one is required. */
export const SilenceMatchersSchema = z
  .object({
    hostId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    check: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    /** alert labels: alertname, host, host_id, check, severity, dump, and the host's own labels */
    labels: z.optional(z.record(labelName, z.string().check(z.maxLength(255)))),
  })
  .check(
    z.refine(
      (m) => m.hostId !== undefined || m.check !== undefined || Object.keys(m.labels ?? {}).length > 0,
      {
        error: "a silence needs at least one matcher (hostId, check or a label)",
      },
    ),
  );
export type SilenceMatchers = z.infer<typeof SilenceMatchersSchema>;

export const SilenceCreateSchema = z
  .object({
    matchers: SilenceMatchersSchema,
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
    /** who asked for it (free text; the API has no user accounts) */
    createdBy: z.optional(z.string().check(z.maxLength(100))),
    /** either an end time … */
    expiresAt: z.optional(iso),
    /** … or a duration from now */
    duration: z.optional(DurationSchema),
  })
  .check(
    z.refine((s) => (s.expiresAt === undefined) !== (s.duration === undefined), {
      error: "give exactly one of expiresAt and duration",
    }),
  );
export type SilenceCreate = z.infer<typeof SilenceCreateSchema>;
/** What a client sends (`duration` as text, e.g. "8h"); SilenceCreate is the parsed form. */
export type SilenceCreateInput = z.input<typeof SilenceCreateSchema>;

export const SilenceSchema = z.object({
  id: z.string(),
  matchers: SilenceMatchersSchema,
  reason: z.string(),
  createdBy: z.string(),
  createdAt: iso,
  expiresAt: iso,
  active: z.boolean(),
});
export type Silence = z.infer<typeof SilenceSchema>;

export const SilenceListQuerySchema = z.object({
  /** include expired and ended silences (newest first, at most 500) */
  expired: z.optional(z.stringbool()),
});

export const SilenceListSchema = z.object({ silences: z.array(SilenceSchema) });
export type SilenceList = z.infer<typeof SilenceListSchema>;

// ---------------------------------------------------------------------------------------------
// Fleet history: `GET /api/fleet/history?since=&step=`, readiness over time built from the
// append-only transitions (product.md §1 "readiness over time"). Added after v1; only grows.

/** The longest history one request may ask for (`since` at most this far back). */
export const FLEET_HISTORY_MAX_DAYS = 90;
/** The default span when `since` is not given. */
export const FLEET_HISTORY_DEFAULT_DAYS = 7;
/** Points of a history when `step` is not given (the step is chosen to fit). */
export const FLEET_HISTORY_DEFAULT_POINTS = 200;
/** Most points one request may produce; a smaller `step` for its span is refused. */
export const FLEET_HISTORY_MAX_POINTS = 1000;
export const FLEET_HISTORY_MIN_STEP = 60;

export const FleetHistoryQuerySchema = z.object({
  /** start of the history (default: 7 days ago); at most 90 days ago, before now */
  since: z.optional(z.iso.datetime({ offset: true })),
  /** seconds between points (default: the span / 199, so at most 200 points, and at least 60) */
  step: z.optional(
    z.coerce
      .number()
      .check(z.int(), z.minimum(FLEET_HISTORY_MIN_STEP), z.maximum(FLEET_HISTORY_MAX_DAYS * 86_400)),
  ),
});
export type FleetHistoryQuery = z.infer<typeof FleetHistoryQuerySchema>;

/** Non-duplicate hosts in each verdict at `at`; a host counts from its first judgement on. */
export const FleetHistoryPointSchema = z.object({
  at: iso,
  ready: count,
  at_risk: count,
  not_ready: count,
  unknown: count,
});
export type FleetHistoryPoint = z.infer<typeof FleetHistoryPointSchema>;

/** Oldest first: `since`, `since + step`, … (each before now), then one last point at now. */
export const FleetHistorySchema = z.object({ points: z.array(FleetHistoryPointSchema) });
export type FleetHistory = z.infer<typeof FleetHistorySchema>;

// ---------------------------------------------------------------------------------------------
// Scoped API tokens: credentials for machines that only read (Prometheus). Created with
// `kdumpwatch-server api-token create --scope metrics:read`; the admin token keeps full access.

export const API_TOKEN_SCOPES = [
  /** `GET /metrics` only */
  "metrics:read",
] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export const ApiTokenCreateSchema = z.object({
  scopes: z.array(z.enum(API_TOKEN_SCOPES)).check(z.minLength(1)),
  label: z.optional(z.string().check(z.maxLength(200))),
});
export type ApiTokenCreate = z.infer<typeof ApiTokenCreateSchema>;

export const ApiTokenSchema = z.object({
  id: z.string(),
  scopes: z.array(z.string()),
  label: z.nullable(z.string()),
  createdAt: iso,
  revokedAt: z.nullable(iso),
  /** moved at most once a minute */
  lastUsedAt: z.nullable(iso),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** The secret is shown once, here; the server keeps only its hash. */
export const ApiTokenCreatedSchema = z.object({ token: ApiTokenSchema, secret: z.string() });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreatedSchema>;

export const ApiTokenListSchema = z.object({ tokens: z.array(ApiTokenSchema) });
export type ApiTokenList = z.infer<typeof ApiTokenListSchema>;
