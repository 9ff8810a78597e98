import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseAlertingConfig } from "./alerting/alerting-config.ts";

/**
 * Server configuration (product.md §4): from the environment, overridden by matching CLI flags
 * (`--stale-after 300` ↔ KDUMPWATCH_STALE_AFTER), validated once at start. A bad value stops the
 * server with a message naming the variable.
 */
export const CONFIG_VARS = {
  PORT: "--port",
  HOST: "--host",
  DATABASE_URL: "--database-url",
  KDUMPWATCH_DATA_DIR: "--data-dir",
  KDUMPWATCH_ENROLL_TOKEN: "--enroll-token",
  KDUMPWATCH_ADMIN_TOKEN: "--admin-token",
  KDUMPWATCH_STALE_AFTER: "--stale-after",
  KDUMPWATCH_RECONNECT_GRACE: "--reconnect-grace",
  KDUMPWATCH_DASHBOARD_DIR: "--dashboard-dir",
  KDUMPWATCH_LOG_LEVEL: "--log-level",
  KDUMPWATCH_HEARTBEAT: "--heartbeat",
  KDUMPWATCH_MAX_CONNECTIONS_PER_ADDRESS: "--max-connections-per-address",
  KDUMPWATCH_AUTH_FAILURES_PER_CLIENT: "--auth-failures-per-client",
  KDUMPWATCH_AUTH_FAILURES_PER_ACCOUNT: "--auth-failures-per-account",
  KDUMPWATCH_AUTH_FAILURE_WINDOW: "--auth-failure-window",
  KDUMPWATCH_MAX_SILENCE_DAYS: "--max-silence-days",
  KDUMPWATCH_ENROLL_RATE: "--enroll-rate",
  KDUMPWATCH_RETENTION: "--retention",
  KDUMPWATCH_MAX_SOCKETS_PER_HOST: "--max-sockets-per-host",
  KDUMPWATCH_SOCKET_QUEUE_BYTES: "--socket-queue-bytes",
  KDUMPWATCH_DB_CONNECT_TIMEOUT: "--db-connect-timeout",
  KDUMPWATCH_DB_STATEMENT_TIMEOUT: "--db-statement-timeout",
  KDUMPWATCH_SHUTDOWN_GRACE: "--shutdown-grace",
  KDUMPWATCH_JUDGE_WORKERS: "--judge-workers",
  // owned by the alerting engine (product.md §6); accepted here so a deployment can set them now
  KDUMPWATCH_ALERT_WEBHOOKS: "--alert-webhooks",
  KDUMPWATCH_WEBHOOK_SECRET: "--webhook-secret",
  KDUMPWATCH_ALERT_HOLD: "--alert-hold",
  KDUMPWATCH_ALERT_GROUP_WAIT: "--alert-group-wait",
  KDUMPWATCH_PUBLIC_URL: "--public-url",
  KDUMPWATCH_ALERT_INHIBIT: "--alert-inhibit",
  KDUMPWATCH_WEBHOOK_MAX_ALERTS: "--webhook-max-alerts",
} as const;
export type ConfigVar = keyof typeof CONFIG_VARS;

/** apps/dashboard/dist, two levels up from this file both in src/ and in the dist/ bundle. */
export function defaultDashboardDir(): string {
  return fileURLToPath(new URL("../../dashboard/dist", import.meta.url));
}

const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const int = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankAsUnset,
    z.coerce
      .number({ error: `expected a whole number between ${min} and ${max}` })
      .int({ error: `expected a whole number between ${min} and ${max}` })
      .min(min, { error: `expected a whole number between ${min} and ${max}` })
      .max(max, { error: `expected a whole number between ${min} and ${max}` })
      .default(fallback),
  );
const secret = z.preprocess(
  blankAsUnset,
  z.string().min(8, { error: "expected at least 8 characters" }).max(256).optional(),
);
/** The admin token guards everything: short, guessable ones are refused at start (docs/security.md). */
const adminSecret = z.preprocess(
  blankAsUnset,
  z
    .string()
    .min(16, { error: "expected at least 16 characters (an admin secret must resist guessing)" })
    .max(256)
    .optional(),
);
const optionalText = z.preprocess(blankAsUnset, z.string().optional());

const RETENTION_UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000 };
/** `30d`, `720h` (at least 1 hour, at most 10 years), or `off`: milliseconds, null for off. */
const retention = z.preprocess(
  blankAsUnset,
  z
    .string()
    .regex(/^(off|\d{1,6}[hd])$/, { error: "expected a duration like 30d or 720h, or off" })
    .default("30d")
    .transform((s) => (s === "off" ? null : Number.parseInt(s, 10) * (RETENTION_UNITS[s.slice(-1)] ?? 0)))
    .refine((ms) => ms === null || (ms >= 3_600_000 && ms <= 3650 * 86_400_000), {
      error: "expected between 1h and 3650d, or off",
    }),
);

const EnvSchema = z.object({
  PORT: int(0, 65_535, 8080),
  HOST: z.preprocess(blankAsUnset, z.string().default("127.0.0.1")),
  DATABASE_URL: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: "expected a postgres:// or postgresql:// URL" })
      .optional(),
  ),
  KDUMPWATCH_DATA_DIR: z.preprocess(blankAsUnset, z.string().default("./data")),
  KDUMPWATCH_ENROLL_TOKEN: secret,
  KDUMPWATCH_ADMIN_TOKEN: adminSecret,
  KDUMPWATCH_STALE_AFTER: int(10, 30 * 86_400, 180),
  KDUMPWATCH_RECONNECT_GRACE: int(0, 86_400, 300),
  KDUMPWATCH_DASHBOARD_DIR: optionalText,
  KDUMPWATCH_LOG_LEVEL: z.preprocess(
    blankAsUnset,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  KDUMPWATCH_HEARTBEAT: int(5, 3600, 30),
  KDUMPWATCH_MAX_CONNECTIONS_PER_ADDRESS: int(0, 1_000_000, 256),
  KDUMPWATCH_AUTH_FAILURES_PER_CLIENT: int(1, 1_000_000, 10),
  KDUMPWATCH_AUTH_FAILURES_PER_ACCOUNT: int(1, 1_000_000, 100),
  KDUMPWATCH_AUTH_FAILURE_WINDOW: int(1, 86_400, 300),
  KDUMPWATCH_MAX_SILENCE_DAYS: int(1, 3650, 30),
  KDUMPWATCH_ENROLL_RATE: int(0, 1_000_000, 600),
  KDUMPWATCH_RETENTION: retention,
  KDUMPWATCH_MAX_SOCKETS_PER_HOST: int(1, 64, 2),
  KDUMPWATCH_SOCKET_QUEUE_BYTES: int(64 * 1024, 256 * 1024 * 1024, 4 * 1024 * 1024),
  KDUMPWATCH_DB_CONNECT_TIMEOUT: int(1, 300, 5),
  KDUMPWATCH_DB_STATEMENT_TIMEOUT: int(0, 86_400, 30),
  KDUMPWATCH_SHUTDOWN_GRACE: int(1, 3600, 20),
  KDUMPWATCH_JUDGE_WORKERS: int(0, 64, 2),
  KDUMPWATCH_ALERT_WEBHOOKS: optionalText,
  KDUMPWATCH_WEBHOOK_SECRET: optionalText,
  KDUMPWATCH_ALERT_HOLD: optionalText,
  KDUMPWATCH_ALERT_GROUP_WAIT: optionalText,
  KDUMPWATCH_PUBLIC_URL: optionalText,
  KDUMPWATCH_ALERT_INHIBIT: optionalText,
  KDUMPWATCH_WEBHOOK_MAX_ALERTS: optionalText,
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  enrollToken: string | undefined;
  adminToken: string | undefined;
  /** seconds without a report before a host is stale (server downtime not counted) */
  staleAfterSec: number;
  /**
   * extra seconds hosts get after a server outage before the stale countdown starts: agents back off
   * up to 240 s while the server is away (apps/agent backoff cap)
   */
  reconnectGraceSec: number;
  dashboardDir: string;
  logLevel: string;
  /** told to agents in `welcome` */
  heartbeatSec: number;
  /** concurrent agent sockets per remote address; 0 = unlimited */
  maxConnectionsPerAddress: number;
  /**
   * failed logins and bearer attempts (middleware/auth-throttle.ts): at most `perClient` from one
   * address and `perAccount` against one account within `windowSec`, then 429 with Retry-After
   */
  authThrottle: { perClient: number; perAccount: number; windowSec: number };
  /** the longest silence accepted (POST /api/silences, /api/silences/bulk); longer is a 400 */
  maxSilenceMs: number;
  /**
   * sockets one host credential may hold at once; one more refuses the NEWEST with close 4409
   * (the established socket keeps reporting; ws/socket-limits.ts)
   */
  maxSocketsPerHost: number;
  /**
   * bytes one socket may have queued (received but not yet handled, plus sent but not yet
   * flushed): above it the server stops reading the socket, and closes it with 4413 if it stays
   * above for `socketQueueGraceMs`
   */
  socketQueueBytes: number;
  socketQueueGraceMs: number;
  /** seconds to wait for a PostgreSQL connection before a request fails (503) */
  dbConnectTimeoutSec: number;
  /** PostgreSQL statement_timeout of the server's sessions, seconds (0 = none) */
  dbStatementTimeoutSec: number;
  /** seconds SIGTERM/SIGINT may take: past it the process exits anyway */
  shutdownGraceSec: number;
  /** worker threads that judge snapshots off the event loop (0: judge on it) */
  judgeWorkers: number;
  /**
   * admission control: a hello is answered `retry` when the snapshots already waiting would take
   * longer than this to commit (ingest-admission.ts)
   */
  admitWithinMs: number;
  /** admission control: sessions always admitted while fewer units of work are in flight */
  admitMinInFlight: number;
  /** frames per socket: bucket size and refill per second (a flood is closed with 4429) */
  frameBurst: number;
  framesPerSec: number;
  /** seconds an agent has to send `hello` after connecting */
  helloTimeoutSec: number;
  /**
   * enrollments per minute per enrollment token (the bucket holds as many): a leaked token cannot
   * flood the fleet with records; 0 = unlimited (services/enroll-limits.ts)
   */
  enrollPerMinute: number;
  /**
   * how long snapshots (except each active host's latest) and decommissioned hosts are kept, in ms;
   * null = forever (services/retention.ts)
   */
  retentionMs: number | null;
  /** raw alerting settings, interpreted by the alerting engine */
  alerting: {
    webhooks: string | undefined;
    webhookSecret: string | undefined;
    hold: string | undefined;
    groupWait: string | undefined;
    /** base URL of links in alert messages (the dashboard's address as users reach it) */
    publicUrl: string | undefined;
    /** root cause → consequence rules (alerting/inhibition.ts) */
    inhibit: string | undefined;
    webhookMaxAlerts: string | undefined;
  };
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Reads the configuration; `flags` (from the CLI) win over `env`. Throws ConfigError. */
export function loadConfig(
  env: Record<string, string | undefined>,
  flags: Partial<Record<ConfigVar, string>> = {},
): Config {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(CONFIG_VARS) as ConfigVar[]) raw[name] = flags[name] ?? env[name];
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "configuration");
        const flag = CONFIG_VARS[name as ConfigVar];
        const got = raw[name];
        const hidden = name.endsWith("_TOKEN") || name.endsWith("SECRET") || name === "DATABASE_URL";
        const shown = hidden ? "(hidden)" : JSON.stringify(got);
        return `${name}${flag ? ` (${flag})` : ""}: ${issue.message}${got === undefined ? "" : `, got ${shown}`}`;
      }),
    );
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.KDUMPWATCH_DATA_DIR,
    enrollToken: e.KDUMPWATCH_ENROLL_TOKEN,
    adminToken: e.KDUMPWATCH_ADMIN_TOKEN,
    staleAfterSec: e.KDUMPWATCH_STALE_AFTER,
    reconnectGraceSec: e.KDUMPWATCH_RECONNECT_GRACE,
    dashboardDir: e.KDUMPWATCH_DASHBOARD_DIR ?? defaultDashboardDir(),
    logLevel: e.KDUMPWATCH_LOG_LEVEL,
    heartbeatSec: e.KDUMPWATCH_HEARTBEAT,
    maxConnectionsPerAddress: e.KDUMPWATCH_MAX_CONNECTIONS_PER_ADDRESS,
    authThrottle: {
      perClient: e.KDUMPWATCH_AUTH_FAILURES_PER_CLIENT,
      perAccount: e.KDUMPWATCH_AUTH_FAILURES_PER_ACCOUNT,
      windowSec: e.KDUMPWATCH_AUTH_FAILURE_WINDOW,
    },
    maxSilenceMs: e.KDUMPWATCH_MAX_SILENCE_DAYS * 86_400_000,
    maxSocketsPerHost: e.KDUMPWATCH_MAX_SOCKETS_PER_HOST,
    socketQueueBytes: e.KDUMPWATCH_SOCKET_QUEUE_BYTES,
    socketQueueGraceMs: 10_000,
    dbConnectTimeoutSec: e.KDUMPWATCH_DB_CONNECT_TIMEOUT,
    dbStatementTimeoutSec: e.KDUMPWATCH_DB_STATEMENT_TIMEOUT,
    shutdownGraceSec: e.KDUMPWATCH_SHUTDOWN_GRACE,
    judgeWorkers: e.KDUMPWATCH_JUDGE_WORKERS,
    admitWithinMs: 5_000,
    admitMinInFlight: 64,
    frameBurst: 30,
    framesPerSec: 5,
    helloTimeoutSec: 10,
    enrollPerMinute: e.KDUMPWATCH_ENROLL_RATE,
    retentionMs: e.KDUMPWATCH_RETENTION,
    alerting: {
      webhooks: e.KDUMPWATCH_ALERT_WEBHOOKS,
      webhookSecret: e.KDUMPWATCH_WEBHOOK_SECRET,
      hold: e.KDUMPWATCH_ALERT_HOLD,
      groupWait: e.KDUMPWATCH_ALERT_GROUP_WAIT,
      publicUrl: e.KDUMPWATCH_PUBLIC_URL,
      inhibit: e.KDUMPWATCH_ALERT_INHIBIT,
      webhookMaxAlerts: e.KDUMPWATCH_WEBHOOK_MAX_ALERTS,
    },
  };
  // alerting settings are interpreted by the alerting engine; refuse bad ones now (alerting/alerting-config.ts)
  const alerting = parseAlertingConfig(config.alerting);
  if (!alerting.ok) throw new ConfigError(alerting.problems);
  return config;
}
