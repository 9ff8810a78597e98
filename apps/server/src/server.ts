import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { type DatabaseHandle, openDatabase } from "@kdumpwatch/db";
import { listenAdminChannel } from "./admin-channel.ts";
import { createApp, type KdumpwatchApp } from "./app.ts";
import { type Clock, type SteppedClock, systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import { createDbHub, type Hub } from "./hub.ts";
import { startBackgroundJobs } from "./jobs/background.ts";
import type { LeaderJob } from "./jobs/leader.ts";
import type { Logger } from "./log.ts";
import { ensureAdminToken } from "./services/admin-auth.ts";
import type { ServiceContext } from "./services/context.ts";
import { registerInstance } from "./services/liveness.ts";

export interface RunningServer {
  url: string;
  port: number;
  app: KdumpwatchApp;
  handle: DatabaseHandle;
  /** graceful: stop accepting, finish in-flight work, close agents with 1001, close the database */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  /** KDUMPWATCH_TEST_CLOCK (clock.ts clockFromEnv): the clock, and POST /api/test/clock to move it */
  testClock?: SteppedClock | null;
  /** where the one-line announcements go (tests wait for them): listening URL, generated admin token */
  announce?: (line: string) => void;
  extraLeaderJobs?: (ctx: ServiceContext) => LeaderJob[];
}

/** Opens the database (migrating it), builds the app, listens, and starts the background jobs. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, log } = options;
  const clock = options.testClock ?? options.clock ?? systemClock;
  const announce = options.announce ?? ((line: string) => process.stdout.write(`${line}\n`));
  const handle = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    connectTimeoutSec: config.dbConnectTimeoutSec,
    statementTimeoutMs: config.dbStatementTimeoutSec * 1000,
  });
  let hub: Hub | null = null;
  try {
    hub = await createDbHub(handle, log);
    const ctx: ServiceContext = { db: handle.db, hub, clock, log, config };
    const adminToken = await ensureAdminToken(ctx);
    if (adminToken) announce(`admin token: ${adminToken}`);
    const started = await registerInstance(ctx);
    if (started.outageSince) {
      log.info(
        { since: started.outageSince, hostsExcused: started.hostsExcused },
        "server was down: downtime does not count towards staleness",
      );
    }
    const kdw = createApp({ db: handle.db, hub, clock, log, config, testClock: options.testClock ?? null });
    // heartbeats are written in batches (services/last-seen.ts)
    kdw.services.agents.start();
    const server = (await listen(kdw, config)) as Server;
    // PGlite admits one process: the CLI's token commands reach this one through its admin channel
    const admin =
      handle.driver === "pglite"
        ? await listenAdminChannel((req, env) => kdw.app.fetch(req, env), config.dataDir)
        : null;
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    kdw.alerting.setServerUrl(url);
    const jobs = startBackgroundJobs({
      ctx,
      handle,
      instanceId: started.instanceId,
      // the alert tick and the outbox dispatcher run on the elected process only
      extraLeaderJobs: [...kdw.alerting.leaderJobs(), ...(options.extraLeaderJobs?.(ctx) ?? [])],
    });
    log.info({ url, driver: handle.driver, instanceId: started.instanceId }, "listening");
    announce(`kdumpwatch-server listening on ${url}`);
    const activeHub = hub;
    let closing: Promise<void> | null = null;
    return {
      url,
      port,
      app: kdw,
      handle,
      close() {
        closing ??= (async () => {
          log.info("shutting down");
          kdw.setReady(false);
          const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
          const adminClosed = new Promise<void>((resolve) =>
            admin ? admin.close(() => resolve()) : resolve(),
          );
          admin?.closeAllConnections();
          await kdw.gateway.shutdown();
          await kdw.services.agents.close();
          kdw.live.close();
          server.closeIdleConnections();
          const force = setTimeout(() => server.closeAllConnections(), 5000);
          await httpClosed;
          await adminClosed;
          clearTimeout(force);
          await jobs.stop();
          await kdw.alerting.close();
          await activeHub.close();
          await handle.close();
          log.info("stopped");
        })();
        return closing;
      },
    };
  } catch (err) {
    await hub?.close().catch(() => {});
    await handle.close().catch(() => {});
    throw err;
  }
}

/**
 * Connections the kernel completes and holds for us while the event loop is busy (listen(2)'s
 * backlog; Linux caps it at net.core.somaxconn, 4096 by default since 5.4). Node's default of 511
 * overflowed in a 10,000-agent storm on PGlite, whose queries run on the event loop: the kernel
 * dropped the agents' handshakes (170,637 ListenDrops in one run) and they retransmitted into
 * their 20 s handshake timeout instead of reaching admission control (BENCHMARKS.md).
 */
const LISTEN_BACKLOG = 4096;

function listen(kdw: KdumpwatchApp, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createAdaptorServer({ fetch: kdw.app.fetch, hostname: config.host }) as Server;
    server.on("upgrade", (req, socket, head) => kdw.gateway.handleUpgrade(req, socket, head));
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      resolve(server);
    });
    server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  });
}
