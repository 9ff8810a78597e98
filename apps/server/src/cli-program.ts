import type { CliCommand, CliOption, CliProgram } from "@kdumpwatch/cli";
import { CONFIG_VARS, type ConfigVar } from "./config.ts";

/**
 * THE definition of `kdumpwatch-server`'s command line: cli.ts parses with it, `--help` and the
 * manual pages (build.mjs → dist/man/*.8) are rendered from it. New commands are added here.
 */

const CONFIG_HELP: Record<ConfigVar, { help: string; value: string; default?: string }> = {
  PORT: { value: "PORT", default: "8080", help: "TCP port of the API, the dashboard and the agent socket" },
  HOST: { value: "ADDRESS", default: "127.0.0.1", help: "address to listen on" },
  DATABASE_URL: {
    value: "URL",
    help: "PostgreSQL (postgres://...); unset: embedded PGlite in the data directory",
  },
  KDUMPWATCH_DATA_DIR: {
    value: "DIR",
    default: "./data",
    help: "PGlite directory, used by one server at a time; its admin.sock answers the token, host, labels and api-token commands",
  },
  KDUMPWATCH_ENROLL_TOKEN: {
    value: "TOKEN",
    help: "fleet enrollment token, accepted besides those of token create",
  },
  KDUMPWATCH_ADMIN_TOKEN: {
    value: "TOKEN",
    help: "bearer for the API and the dashboard, at least 16 characters; unset: generated and printed once",
  },
  KDUMPWATCH_STALE_AFTER: {
    value: "SECONDS",
    default: "180",
    help: "seconds without a report before a host is stale",
  },
  KDUMPWATCH_RECONNECT_GRACE: {
    value: "SECONDS",
    default: "300",
    help: "after a server outage, extra seconds before the stale countdown starts",
  },
  KDUMPWATCH_DASHBOARD_DIR: { value: "DIR", help: "the built dashboard served at /" },
  KDUMPWATCH_LOG_LEVEL: {
    value: "LEVEL",
    default: "info",
    help: "log level (JSON lines; on stderr for commands other than serve)",
  },
  KDUMPWATCH_HEARTBEAT: {
    value: "SECONDS",
    default: "30",
    help: "heartbeat interval agents are told to use",
  },
  KDUMPWATCH_MAX_CONNECTIONS_PER_ADDRESS: {
    value: "N",
    default: "256",
    help: "agent sockets per remote address (0: unlimited)",
  },
  KDUMPWATCH_AUTH_FAILURES_PER_CLIENT: {
    value: "N",
    default: "10",
    help: "failed logins and bearer attempts from one address per window, then 429",
  },
  KDUMPWATCH_AUTH_FAILURES_PER_ACCOUNT: {
    value: "N",
    default: "100",
    help: "failed logins and bearer attempts against one account (the admin) per window, then 429",
  },
  KDUMPWATCH_AUTH_FAILURE_WINDOW: {
    value: "SECONDS",
    default: "300",
    help: "the window of the two limits above; Retry-After says when it ends",
  },
  KDUMPWATCH_MAX_SILENCE_DAYS: {
    value: "DAYS",
    default: "30",
    help: "the longest silence accepted; a longer one is refused with 400",
  },
  KDUMPWATCH_ENROLL_RATE: {
    value: "N",
    default: "600",
    help: "enrollments per minute per enrollment token, the fleet token included (0: unlimited)",
  },
  KDUMPWATCH_RETENTION: {
    value: "DURATION",
    default: "30d",
    help: "snapshots (but each active host's latest) and decommissioned hosts older than this are deleted: 30d, 720h or off",
  },
  KDUMPWATCH_MAX_SOCKETS_PER_HOST: {
    value: "N",
    default: "2",
    help: "agent sockets one host credential may hold; one more is refused (close 4409)",
  },
  KDUMPWATCH_SOCKET_QUEUE_BYTES: {
    value: "BYTES",
    default: "4194304",
    help: "bytes queued per agent socket before the server stops reading it (closed with 4413 if it stays over)",
  },
  KDUMPWATCH_DB_CONNECT_TIMEOUT: {
    value: "SECONDS",
    default: "5",
    help: "seconds to wait for a PostgreSQL connection before a request answers 503",
  },
  KDUMPWATCH_DB_STATEMENT_TIMEOUT: {
    value: "SECONDS",
    default: "30",
    help: "PostgreSQL statement_timeout of the server's sessions (0: none; migrations exempt)",
  },
  KDUMPWATCH_SHUTDOWN_GRACE: {
    value: "SECONDS",
    default: "20",
    help: "seconds a graceful shutdown (SIGTERM) may take before the process exits anyway",
  },
  KDUMPWATCH_JUDGE_WORKERS: {
    value: "N",
    default: "2",
    help: "worker threads that judge snapshots off the event loop (0: judge on it)",
  },
  KDUMPWATCH_ALERT_WEBHOOKS: {
    value: "URLS",
    help: "comma-separated alert receivers (slack+https://, alertmanager+http://)",
  },
  KDUMPWATCH_WEBHOOK_SECRET: { value: "SECRET", help: "signs every notification (X-Kdumpwatch-Signature)" },
  KDUMPWATCH_ALERT_HOLD: {
    value: "SECONDS",
    default: "60",
    help: "seconds a condition must hold before it fires",
  },
  KDUMPWATCH_ALERT_GROUP_WAIT: {
    value: "SECONDS",
    default: "30",
    help: "alerts of one check starting within this window are sent together",
  },
  KDUMPWATCH_PUBLIC_URL: { value: "URL", help: "base of the host links in notifications" },
  KDUMPWATCH_ALERT_INHIBIT: {
    value: "RULES",
    help: "off, or SOURCE>TARGET,...: failing checks whose alerts inhibit others' on the same host (default: the kdump chain)",
  },
  KDUMPWATCH_WEBHOOK_MAX_ALERTS: {
    value: "N",
    default: "1000",
    help: "alerts listed per generic-webhook notification, the rest counted in truncatedAlerts (0: all)",
  },
};

function configOption(name: ConfigVar): CliOption {
  const h = CONFIG_HELP[name];
  return {
    name: CONFIG_VARS[name].slice(2),
    value: h.value,
    env: name,
    help: h.help,
    ...(h.default === undefined ? {} : { default: h.default }),
  };
}

/** Where a one-shot command finds the database: the same settings as the server's. */
const DATABASE_OPTIONS: readonly CliOption[] = [
  configOption("DATABASE_URL"),
  configOption("KDUMPWATCH_DATA_DIR"),
  configOption("KDUMPWATCH_LOG_LEVEL"),
];
const JSON_OPTION: CliOption = { name: "json", help: "print JSON instead of text" };
const COMMAND_EXITS = [
  { code: 0, meaning: "done" },
  { code: 1, meaning: "the command failed (e.g. no token with that id); the message says why" },
  { code: 64, meaning: "usage error" },
  { code: 70, meaning: "internal error" },
  { code: 78, meaning: "bad configuration (the message names the variable)" },
];
const RUNNING_SERVER_NOTE =
  "Works while the server runs: on PGlite the command asks the running server through its admin " +
  "socket (<data dir>/admin.sock, mode 0600), otherwise it opens the database itself. Logs go to stderr.";

const TOKEN_COMMAND: CliCommand = {
  name: "token",
  summary: "manage enrollment tokens",
  description: [
    "Enrollment tokens let agents enroll; each host then gets its own credential.",
    RUNNING_SERVER_NOTE,
  ],
  options: [],
  commands: [
    {
      name: "create",
      summary: "create an enrollment token and print its secret once",
      description: [
        "Creates a token for --uses enrollments within --ttl and prints its id and secret.",
        RUNNING_SERVER_NOTE,
      ],
      options: [
        { name: "uses", value: "N", default: "1", help: "how many hosts may enroll with it" },
        {
          name: "ttl",
          value: "DURATION",
          default: "24h",
          help: "how long it is valid: 90s, 30m, 24h, 7d or seconds",
        },
        { name: "label", value: "TEXT", help: "a note for people (rack, team, change ticket)" },
        {
          name: "max-hosts",
          value: "N",
          help: "at most N active hosts enrolled with it (re-enrollments of its hosts do not count); default: no cap",
        },
        JSON_OPTION,
        ...DATABASE_OPTIONS,
      ],
      exits: COMMAND_EXITS,
      examples: [
        ["kdumpwatch-server token create --uses 100 --ttl 24h --label rack-12", "a token for a rack"],
        ["kdumpwatch-server token create --uses 1000 --max-hosts 40 --ttl 7d", "at most 40 hosts"],
      ],
    },
    {
      name: "list",
      summary: "list enrollment tokens (never their secrets)",
      description: ["Lists the newest 1,000 tokens with their uses, expiry and state.", RUNNING_SERVER_NOTE],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      exits: COMMAND_EXITS,
    },
    {
      name: "revoke",
      summary: "revoke an enrollment token",
      description: [
        "Revokes the token at once; hosts already enrolled keep their credentials.",
        RUNNING_SERVER_NOTE,
      ],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [{ name: "ID", help: "the token's id, as token list shows it" }],
      exits: COMMAND_EXITS,
    },
  ],
};

const HOST_ARGUMENT = { name: "HOST", help: "the host's id, or a hostname only one host has" };

const LABELS_COMMAND: CliCommand = {
  name: "labels",
  summary: "show and set host labels",
  description: [
    "Host labels (team, site, environment, role...) ride on alerts, filter the host list and fill the " +
      "exports. Labels set here override those from the agent's configuration, name by name.",
    RUNNING_SERVER_NOTE,
  ],
  options: [],
  commands: [
    {
      name: "show",
      summary: "print a host's labels and where each comes from",
      description: ["Prints NAME=VALUE and (agent) or (api) for each label."],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [HOST_ARGUMENT],
      exits: COMMAND_EXITS,
    },
    {
      name: "set",
      summary: "set labels on a host",
      description: ["Sets the given labels, keeping the host's other labels."],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [HOST_ARGUMENT, { name: "NAME=VALUE[,NAME=VALUE...]", help: "the labels to set" }],
      exits: COMMAND_EXITS,
      examples: [["kdumpwatch-server labels set db-7 team=storage,site=par1", "label one host"]],
    },
    {
      name: "unset",
      summary: "remove labels set here from a host",
      description: ["Removes the given labels set through the CLI or the API; the agent's own stay."],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [HOST_ARGUMENT, { name: "NAME[,NAME...]", help: "the labels to remove" }],
      exits: COMMAND_EXITS,
    },
  ],
};

const HOST_COMMAND: CliCommand = {
  name: "host",
  summary: "decommission hosts, merge or reject suspected duplicates",
  description: [
    "A decommissioned host's credential is revoked (its agent is closed with code 4410 and stops " +
      "retrying hard), its open alerts resolve, and it leaves every list, count, metric and export; " +
      "its history stays until KDUMPWATCH_RETENTION deletes it.",
    "An agent that enrolls with a machine-id already enrolled, without that host's enroll key, gets a " +
      "record of its own marked as a suspected duplicate: merge it when it is that host again " +
      "(reinstalled, state directory lost), reject it otherwise.",
    RUNNING_SERVER_NOTE,
  ],
  options: [],
  commands: [
    {
      name: "decommission",
      summary: "decommission hosts",
      description: ["Decommissions each host given; exits 1 when an id is not a host."],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [
        { name: "ID...", help: "host ids, as the API and the dashboard show them", variadic: true },
      ],
      exits: COMMAND_EXITS,
      examples: [["kdumpwatch-server host decommission 5f0c… 9a1e…", "two retired hosts"]],
    },
    {
      name: "merge",
      summary: "merge a suspected duplicate into the host it duplicates",
      description: [
        "The duplicate's agent takes over the original record (its credential and enroll key move " +
          "there, the original's credential is revoked); the duplicate record is decommissioned.",
      ],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [{ name: "ID", help: "the suspected duplicate's host id" }],
      exits: COMMAND_EXITS,
    },
    {
      name: "reject",
      summary: "reject a suspected duplicate",
      description: ["The duplicate record is decommissioned and its credential revoked."],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [{ name: "ID", help: "the suspected duplicate's host id" }],
      exits: COMMAND_EXITS,
    },
  ],
};

const API_TOKEN_COMMAND: CliCommand = {
  name: "api-token",
  summary: "manage scoped API tokens (metrics:read for Prometheus)",
  description: [
    "A scoped token opens only what its scope names: metrics:read opens GET /metrics and nothing " +
      "else, so Prometheus never holds the admin token.",
    RUNNING_SERVER_NOTE,
  ],
  options: [],
  commands: [
    {
      name: "create",
      summary: "create an API token and print its secret once",
      description: ["Creates a token with the given scopes and prints its id and secret."],
      options: [
        { name: "scope", value: "SCOPE", repeatable: true, help: "what it may do: metrics:read (required)" },
        { name: "label", value: "TEXT", help: "a note for people (which Prometheus)" },
        JSON_OPTION,
        ...DATABASE_OPTIONS,
      ],
      exits: COMMAND_EXITS,
      examples: [
        ["kdumpwatch-server api-token create --scope metrics:read --label prometheus", "for a scraper"],
      ],
    },
    {
      name: "list",
      summary: "list API tokens (never their secrets)",
      description: ["Lists tokens with their scopes, state and last use."],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      exits: COMMAND_EXITS,
    },
    {
      name: "revoke",
      summary: "revoke an API token",
      description: ["The token stops working at once."],
      options: [JSON_OPTION, ...DATABASE_OPTIONS],
      arguments: [{ name: "ID", help: "the token's id, as api-token list shows it" }],
      exits: COMMAND_EXITS,
    },
  ],
};

export const SERVER_PROGRAM: CliProgram = {
  name: "kdumpwatch-server",
  version: "0.1.0",
  section: "8",
  summary: "fleet kdump readiness server: agent ingest, API, dashboard, alerts",
  description: [
    "kdumpwatch-server receives the kdump evidence kdumpwatch-agent sends, judges every host, serves " +
      "the dashboard and the API, and alerts when a host loses its crash dump readiness.",
    "Every setting is an environment variable and a flag of the same meaning; a bad value stops the " +
      "server with exit status 78 and a message naming the variable.",
  ],
  defaultCommand: "serve",
  commands: [
    {
      name: "serve",
      summary: "run the server",
      description: [
        "Runs the server until SIGTERM or SIGINT: stops accepting, tells agents it is going away, " +
          "finishes open transactions. Logs are JSON lines on stdout.",
      ],
      options: (Object.keys(CONFIG_VARS) as ConfigVar[]).map(configOption),
      exits: [
        { code: 0, meaning: "stopped by a signal" },
        { code: 64, meaning: "usage error" },
        { code: 70, meaning: "internal error (e.g. the database cannot be opened)" },
        { code: 78, meaning: "bad configuration: restarting cannot fix it (RestartPreventExitStatus)" },
      ],
    },
    TOKEN_COMMAND,
    LABELS_COMMAND,
    HOST_COMMAND,
    API_TOKEN_COMMAND,
    {
      name: "admin-token",
      summary: "replace the stored admin token",
      description: ["Replaces the admin token and prints the new one; the old one stops working."],
      options: [],
      commands: [
        {
          name: "reset",
          summary: "generate a new admin token and print it once",
          description: [
            "Generates a new admin token, stores its hash and prints it. Needs the database: stop a " +
              "server that holds a PGlite directory first.",
          ],
          options: DATABASE_OPTIONS,
          exits: COMMAND_EXITS,
        },
      ],
    },
  ],
  exits: [
    { code: 0, meaning: "done" },
    { code: 1, meaning: "a command failed; the message says why" },
    { code: 64, meaning: "usage error" },
    { code: 70, meaning: "internal error" },
    { code: 78, meaning: "bad configuration" },
  ],
  files: [
    ["/etc/kdumpwatch/server.env", "settings for the systemd unit, mode 0600"],
    ["/var/lib/kdumpwatch-server/", "the PGlite data directory of the systemd unit, and its admin.sock"],
  ],
  seeAlso: ["kdumpwatch-agent(8)", "systemctl(1)"],
  source: "kdumpwatch 0.1.0",
};
