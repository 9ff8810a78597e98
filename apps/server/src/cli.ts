import { parseArgs } from "node:util";
import { openDatabase } from "@kdumpwatch/db";
import { TokenCreateSchema } from "@kdumpwatch/protocol";
import { apiTokenCommand, CommandUsageError, labelsCommand } from "./cli-labels.ts";
import { systemClock } from "./clock.ts";
import { CONFIG_VARS, type Config, ConfigError, type ConfigVar, loadConfig } from "./config.ts";
import { createMemoryHub } from "./hub.ts";
import { createLogger, type Logger } from "./log.ts";
import { startServer } from "./server.ts";
import { resetAdminToken } from "./services/admin-auth.ts";
import type { ServiceContext } from "./services/context.ts";
import { createToken, listTokens, revokeToken } from "./services/tokens.ts";

export const USAGE = `usage:
  kdumpwatch-server [serve] [options]          run the server (default)
  kdumpwatch-server token create [--uses N] [--ttl 24h] [--label TEXT]
  kdumpwatch-server token list [--json]
  kdumpwatch-server token revoke ID
  kdumpwatch-server admin-token reset          replace the stored admin token (prints the new one)
  kdumpwatch-server labels show HOST [--json]  a host's labels (HOST: its id, or a unique hostname)
  kdumpwatch-server labels set HOST NAME=VALUE…   set labels (they override the agent's)
  kdumpwatch-server labels unset HOST NAME…
  kdumpwatch-server api-token create --scope metrics:read [--label TEXT]   a credential for Prometheus
  kdumpwatch-server api-token list [--json] | api-token revoke ID

options (each also read from the environment variable shown):
${Object.entries(CONFIG_VARS)
  .map(([name, flag]) => `  ${`${flag} VALUE`.padEnd(38)} ${name}`)
  .join("\n")}
`;

/** Exit statuses: 0 ok, 64 usage, 70 internal, 78 configuration (sysexits). */
export const EXIT = { ok: 0, usage: 64, internal: 70, config: 78 } as const;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

export class UsageError extends Error {}

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

function parse(argv: string[]) {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    uses: { type: "string" },
    ttl: { type: "string" },
    label: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    scope: { type: "string", multiple: true },
  };
  for (const flag of Object.values(CONFIG_VARS)) options[flag.slice(2)] = { type: "string" };
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Runs a command; resolves to the exit status (`serve` resolves only after shutdown). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  let config: Config;
  try {
    parsed = parse(argv);
    if (parsed.values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const flags: Partial<Record<ConfigVar, string>> = {};
    for (const [name, flag] of Object.entries(CONFIG_VARS)) {
      const v = parsed.values[flag.slice(2)];
      if (typeof v === "string") flags[name as ConfigVar] = v;
    }
    config = loadConfig(io.env, flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`kdumpwatch-server: ${err.message}`);
      return EXIT.config;
    }
    if (err instanceof UsageError) {
      io.err(`kdumpwatch-server: ${err.message}\n${USAGE}`);
      return EXIT.usage;
    }
    throw err;
  }
  const [command = "serve", sub, ...rest] = parsed.positionals;
  const log = createLogger(config.logLevel);
  try {
    if (command === "serve" && sub === undefined) return await serve(config, log, io);
    if (command === "token") return await token(sub, rest, parsed.values, config, log, io);
    const run = <T>(fn: (ctx: ServiceContext) => Promise<T>) => withContext(config, log, fn);
    if (command === "labels") return await labelsCommand(sub, rest, parsed.values, run, io);
    if (command === "api-token") return await apiTokenCommand(sub, rest, parsed.values, run, io);
    if (command === "admin-token" && sub === "reset") {
      return await withContext(config, log, async (ctx) => {
        io.out(`admin token: ${await resetAdminToken(ctx)}`);
        return EXIT.ok;
      });
    }
    throw new UsageError(`unknown command: ${parsed.positionals.join(" ")}`);
  } catch (err) {
    if (err instanceof UsageError || err instanceof CommandUsageError) {
      io.err(`kdumpwatch-server: ${err.message}\n${USAGE}`);
      return EXIT.usage;
    }
    io.err(`kdumpwatch-server: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.internal;
  }
}

async function serve(config: Config, log: Logger, io: CliIo): Promise<number> {
  const server = await startServer({ config, log, announce: io.out });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn({ signal }, "second signal: exiting now");
        process.exit(EXIT.internal);
      }
      stopping = true;
      log.info({ signal }, "signal received");
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

async function token(
  sub: string | undefined,
  rest: string[],
  values: Record<string, unknown>,
  config: Config,
  log: Logger,
  io: CliIo,
): Promise<number> {
  if (sub === "create") {
    const input = TokenCreateSchema.safeParse({
      ...(values.uses !== undefined ? { uses: Number(values.uses) } : {}),
      ...(values.ttl !== undefined ? { ttlSeconds: parseDuration(String(values.ttl)) } : {}),
      ...(values.label !== undefined ? { label: String(values.label) } : {}),
    });
    if (!input.success) {
      throw new UsageError(
        input.error.issues
          .map((i) => `--${i.path[0] === "ttlSeconds" ? "ttl" : String(i.path[0])}: ${i.message}`)
          .join("; "),
      );
    }
    return withContext(config, log, async (ctx) => {
      const created = await createToken(ctx, input.data);
      if (values.json) io.out(JSON.stringify(created));
      else {
        io.out(
          `token ${created.token.id}: ${created.token.maxUses} use(s), expires ${created.token.expiresAt}`,
        );
        io.out(created.secret);
      }
      return EXIT.ok;
    });
  }
  if (sub === "list") {
    return withContext(config, log, async (ctx) => {
      const { tokens } = await listTokens(ctx);
      if (values.json) io.out(JSON.stringify({ tokens }));
      else {
        io.out(
          ["ID".padEnd(14), "USES".padEnd(12), "EXPIRES".padEnd(26), "STATE".padEnd(9), "LABEL"].join(" "),
        );
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
      }
      return EXIT.ok;
    });
  }
  if (sub === "revoke" && rest.length === 1 && rest[0]) {
    const id = rest[0];
    return withContext(config, log, async (ctx) => {
      const t = await revokeToken(ctx, id);
      io.out(`token ${t.id} revoked`);
      return EXIT.ok;
    });
  }
  throw new UsageError("token: expected create, list or revoke ID");
}
