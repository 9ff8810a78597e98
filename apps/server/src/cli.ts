import { parseCommandLine, renderHelp } from "@kdumpwatch/cli";
import { openDatabase } from "@kdumpwatch/db";
import { type EnrollmentToken, TokenCreateSchema } from "@kdumpwatch/protocol";
import { callAdminChannel } from "./admin-channel.ts";
import { hostCommand } from "./cli-hosts.ts";
import { type AdminCall, apiTokenCommand, CommandUsageError, labelsCommand } from "./cli-labels.ts";
import { SERVER_PROGRAM } from "./cli-program.ts";
import { clockFromEnv, type SteppedClock, systemClock } from "./clock.ts";
import { CONFIG_VARS, type Config, ConfigError, type ConfigVar, loadConfig } from "./config.ts";
import { isLostConnection } from "./database-errors.ts";
import { AppError } from "./errors.ts";
import { createMemoryHub } from "./hub.ts";
import { createLogger, type Logger } from "./log.ts";
import { startServer } from "./server.ts";
import { resetAdminToken } from "./services/admin-auth.ts";
import type { ServiceContext } from "./services/context.ts";
import { createToken, listTokens, revokeToken } from "./services/tokens.ts";

/** Exit statuses: 0 ok, 1 a command failed (unknown id …), 64 usage, 70 internal, 78 configuration (sysexits). */
export const EXIT = { ok: 0, failed: 1, usage: 64, internal: 70, config: 78 } as const;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

class UsageError extends Error {}

/** An expected failure of a command (exit 1), e.g. an unknown token id. */
class CommandError extends Error {}

/** `24h`, `30m`, `7d`, `90s` or plain seconds → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `--ttl: expected a duration like 24h, 30m, 7d or 3600 (got ${JSON.stringify(text)})`,
    );
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}

/** Runs a command; resolves to the exit status (`serve` resolves only after shutdown). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(SERVER_PROGRAM, argv);
  if (!parsed.ok) {
    io.err(
      `kdumpwatch-server: ${parsed.message}\nTry 'kdumpwatch-server help${parsed.path.length ? ` ${parsed.path.join(" ")}` : ""}'.`,
    );
    return EXIT.usage;
  }
  if (parsed.kind === "version") {
    io.out(`kdumpwatch-server ${SERVER_PROGRAM.version}`);
    return EXIT.ok;
  }
  if (parsed.kind === "help") {
    io.out(renderHelp(SERVER_PROGRAM, parsed.path).replace(/\n$/, ""));
    return EXIT.ok;
  }
  const { path, values, args } = parsed;
  let config: Config;
  let testClock: SteppedClock | null;
  try {
    const flags: Partial<Record<ConfigVar, string>> = {};
    for (const [name, flag] of Object.entries(CONFIG_VARS)) {
      const v = values[flag.slice(2)];
      if (typeof v === "string") flags[name as ConfigVar] = v;
    }
    config = loadConfig(io.env, flags);
    testClock = clockFromEnv(io.env).stepped;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`kdumpwatch-server: ${err.message}`);
      return EXIT.config;
    }
    throw err;
  }
  const command = path.join(" ");
  // only `serve` logs to stdout; every other command keeps stdout for its answer
  const log =
    command === "serve" ? createLogger(config.logLevel) : createLogger(config.logLevel, process.stderr);
  try {
    switch (command) {
      case "serve":
        return await serve(config, log, io, testClock);
      case "token create":
        return await tokenCreate(values, config, log, io);
      case "token list":
        return await tokenList(values, config, log, io);
      case "token revoke":
        return await tokenRevoke(args[0] as string, values, config, log, io);
      case "labels show":
      case "labels set":
      case "labels unset":
        return await labelsCommand(
          path[1] as "show" | "set" | "unset",
          args,
          values,
          (verb) => runSteps(config, log, verb),
          io,
        );
      case "api-token create":
      case "api-token list":
      case "api-token revoke":
        return await apiTokenCommand(
          path[1] as "create" | "list" | "revoke",
          args,
          values,
          (verb) => runSteps(config, log, verb),
          io,
        );
      case "host decommission":
      case "host merge":
      case "host reject":
        return await hostCommand(
          path[1] as "decommission" | "merge" | "reject",
          args,
          values,
          (verb) => viaServerOrDatabase(config, log, verb),
          io,
        );
      case "admin-token reset":
        return await withContext(config, log, async (ctx) => {
          io.out(`admin token: ${await resetAdminToken(ctx)}`);
          return EXIT.ok;
        });
      default:
        throw new UsageError(`${command}: not implemented`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof CommandUsageError) {
      io.err(`kdumpwatch-server: ${command}: ${err.message}\nTry 'kdumpwatch-server help ${command}'.`);
      return EXIT.usage;
    }
    // no such host or token, several hosts of that name, too many labels: the service's own message
    if (
      err instanceof AppError &&
      (err.code === "not_found" || err.code === "conflict" || err.code === "bad_request")
    ) {
      io.err(`kdumpwatch-server: ${command}: ${err.message}`);
      return EXIT.failed;
    }
    if (err instanceof CommandError) {
      io.err(`kdumpwatch-server: ${command}: ${err.message}`);
      return EXIT.failed;
    }
    io.err(`kdumpwatch-server: ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.internal;
  }
}

async function serve(
  config: Config,
  log: Logger,
  io: CliIo,
  testClock: SteppedClock | null,
): Promise<number> {
  // postgres.js rejects the queries of a connection that closes; one that no caller awaits any
  // more (an aborted transaction's next statement) would otherwise end the process. Only those
  // lost-connection rejections are absorbed here; any other unhandled rejection still crashes.
  process.on("unhandledRejection", (reason) => {
    if (!isLostConnection(reason)) throw reason;
    log.warn({ err: reason }, "a database query on a lost connection had no handler (ignored)");
  });
  if (testClock)
    log.warn("KDUMPWATCH_TEST_CLOCK is set: the clock can be moved through POST /api/test/clock");
  const server = await startServer({ config, log, announce: io.out, testClock });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn({ signal }, "second signal: exiting now");
        process.exit(EXIT.internal);
      }
      stopping = true;
      log.info({ signal, graceSec: config.shutdownGraceSec }, "signal received");
      // a database that is down must not hold the process: past the grace it exits anyway
      const grace = setTimeout(() => {
        log.error({ graceSec: config.shutdownGraceSec }, "shutdown grace period over: exiting now");
        process.exit(EXIT.internal);
      }, config.shutdownGraceSec * 1000);
      grace.unref();
      server.close().then(resolve, (err) => {
        log.error({ err }, "shutdown failed");
        resolve();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return EXIT.ok;
}

/** Opens the database for a one-shot command (a PGlite directory in use by a server is refused clearly). */
async function withContext<T>(
  config: Config,
  log: Logger,
  fn: (ctx: ServiceContext) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    return await fn({ db: handle.db, hub: createMemoryHub(log), clock: systemClock, log, config });
  } finally {
    await handle.close();
  }
}

type Values = Record<string, string | boolean | undefined>;

/** TokenCreate fields named by their flags in messages */
const FLAG_OF: Record<string, string> = { ttlSeconds: "ttl", maxHosts: "max-hosts" };

async function tokenCreate(values: Values, config: Config, log: Logger, io: CliIo): Promise<number> {
  const input = TokenCreateSchema.safeParse({
    ...(values.uses !== undefined ? { uses: Number(values.uses) } : {}),
    ...(values.ttl !== undefined ? { ttlSeconds: parseDuration(String(values.ttl)) } : {}),
    ...(values.label !== undefined ? { label: String(values.label) } : {}),
    ...(values["max-hosts"] !== undefined ? { maxHosts: Number(values["max-hosts"]) } : {}),
  });
  if (!input.success) {
    throw new UsageError(
      input.error.issues
        .map((i) => `--${FLAG_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`)
        .join("; "),
    );
  }
  const created = await viaServerOrDatabase(config, log, {
    admin: ["POST", "/api/tokens", input.data],
    direct: (ctx) => createToken(ctx, input.data),
  });
  const { token, secret } = created as { token: EnrollmentToken; secret: string };
  if (values.json) io.out(JSON.stringify(created));
  else {
    const cap = token.maxHosts === null ? "" : `, at most ${token.maxHosts} host(s)`;
    io.out(`token ${token.id}: ${token.maxUses} use(s)${cap}, expires ${token.expiresAt}`);
    io.out(secret);
  }
  return EXIT.ok;
}

async function tokenList(values: Values, config: Config, log: Logger, io: CliIo): Promise<number> {
  const { tokens } = (await viaServerOrDatabase(config, log, {
    admin: ["GET", "/api/tokens"],
    direct: (ctx) => listTokens(ctx),
  })) as { tokens: EnrollmentToken[] };
  if (values.json) {
    io.out(JSON.stringify({ tokens }));
    return EXIT.ok;
  }
  io.out(["ID".padEnd(14), "USES".padEnd(12), "EXPIRES".padEnd(26), "STATE".padEnd(9), "LABEL"].join(" "));
  for (const t of tokens) {
    const state = t.revokedAt ? "revoked" : t.active ? "active" : "inactive";
    io.out(
      [
        t.id.padEnd(14),
        `${t.uses}/${t.maxUses}`.padEnd(12),
        t.expiresAt.padEnd(26),
        state.padEnd(9),
        t.label ?? "",
      ].join(" "),
    );
  }
  return EXIT.ok;
}

async function tokenRevoke(
  id: string,
  values: Values,
  config: Config,
  log: Logger,
  io: CliIo,
): Promise<number> {
  const token = (await viaServerOrDatabase(config, log, {
    admin: ["DELETE", `/api/tokens/${encodeURIComponent(id)}`],
    direct: (ctx) => revokeToken(ctx, id),
    notFound: `no token with id ${JSON.stringify(id)} (kdumpwatch-server token list shows them)`,
  })) as EnrollmentToken;
  io.out(values.json ? JSON.stringify(token) : `token ${token.id} revoked`);
  return EXIT.ok;
}

/**
 * Runs one request where it can run: on PGlite, through the running server's admin channel when
 * one listens (it holds the directory's lock); otherwise directly on the database.
 */
async function viaServerOrDatabase(
  config: Config,
  log: Logger,
  verb: {
    admin: [method: string, path: string, body?: unknown];
    direct: (ctx: ServiceContext) => Promise<unknown>;
    notFound?: string;
  },
): Promise<unknown> {
  const [method, path, body] = verb.admin;
  return runSteps(config, log, { ...verb, admin: (call) => call({ method, path, body }) });
}

/** No server answers on the admin channel (no socket, or a dead server's): use the database. */
class NoServerError extends Error {}

/**
 * Runs a verb of one or more requests on the running server when one listens on the PGlite
 * directory's admin channel, else on the database. A request finding no server falls back to the
 * database from the start: nothing the server did was lost (the steps before it only read).
 */
async function runSteps<T>(
  config: Config,
  log: Logger,
  verb: {
    admin: (call: AdminCall) => Promise<T>;
    direct: (ctx: ServiceContext) => Promise<T>;
    notFound?: string;
  },
): Promise<T> {
  if (config.databaseUrl === undefined) {
    try {
      return await verb.admin(adminCall(config, log, verb.notFound));
    } catch (err) {
      if (!(err instanceof NoServerError)) throw err;
    }
  }
  try {
    return await withContext(config, log, verb.direct);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found" && verb.notFound)
      throw new CommandError(verb.notFound);
    throw err;
  }
}

function adminCall(config: Config, log: Logger, notFound: string | undefined): AdminCall {
  return async ({ method, path, body, nullIfNotFound }) => {
    const reply = await callAdminChannel(config.dataDir, method, path, body);
    if (reply === null) throw new NoServerError();
    log.debug({ method, path, status: reply.status }, "answered by the running server's admin channel");
    if (reply.status >= 200 && reply.status < 300) return reply.body;
    if (reply.status === 404 && nullIfNotFound) return null;
    const error = (reply.body as { error?: { code?: string; message?: string } } | null)?.error;
    if (reply.status === 404 && notFound) throw new CommandError(notFound);
    if (reply.status === 400) throw new UsageError(error?.message ?? "bad request");
    // the service's own refusal (not a duplicate, several hosts of that name…), as on the database
    if (reply.status === 409) throw new CommandError(error?.message ?? "conflict");
    throw new Error(
      `the running server answered ${reply.status}: ${error?.message ?? JSON.stringify(reply.body)}`,
    );
  };
}
