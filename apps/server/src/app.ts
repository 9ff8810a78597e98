import { judgeSnapshot } from "@kdumpwatch/core";
import type { Db } from "@kdumpwatch/db";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { alertingFromConfig } from "./alerting/alerting.ts";
import type { Clock, SteppedClock } from "./clock.ts";
import type { Config } from "./config.ts";
import { createDatabaseStatus } from "./database-status.ts";
import type { AppEnv } from "./env.ts";
import { AppError } from "./errors.ts";
import type { Hub } from "./hub.ts";
import { createLiveFeed } from "./live-feed.ts";
import type { Logger } from "./log.ts";
import { createMetrics } from "./metrics.ts";
import { requireAdmin } from "./middleware/auth.ts";
import { hasEncodedNul } from "./middleware/data-exception.ts";
import { requireMetricsReader } from "./middleware/metrics-auth.ts";
import { errorBody, notFound, onError } from "./middleware/on-error.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { apiTokenRoutes } from "./routes/api-tokens.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { eventRoutes } from "./routes/events.ts";
import { fleetRoutes } from "./routes/fleet.ts";
import { fleetOpsRoutes } from "./routes/fleet-ops.ts";
import { healthRoutes } from "./routes/health.ts";
import { hostLifecycleRoutes } from "./routes/host-lifecycle.ts";
import { hostRoutes } from "./routes/hosts.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { openApiRoutes } from "./routes/openapi.ts";
import { sessionRoutes } from "./routes/session.ts";
import { testClockRoutes } from "./routes/test-clock.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { AuthThrottle } from "./services/auth-throttle.ts";
import { createFleetOpsServices } from "./services/fleet-ops.ts";
import { createServices, type JudgeFn, type Judging } from "./services/index.ts";
import { createJudgePool, inlineJudging, judgeWorkerFile } from "./services/judge-pool.ts";
import { createAgentGateway } from "./ws/gateway.ts";

export interface AppDeps {
  db: Db;
  hub: Hub;
  clock: Clock;
  log: Logger;
  config: Config;
  /** default: core's judgeSnapshot */
  judge?: JudgeFn;
  /** only with KDUMPWATCH_TEST_CLOCK: mounts POST /api/test/clock (routes/test-clock.ts) */
  testClock?: SteppedClock | null;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The dashboard is one module script and one stylesheet of its own (apps/dashboard/dist/index.html);
 * it talks only to this origin (fetch, EventSource). Checked in Chromium by test/e2e/security-csp.test.ts.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Builds the server from its dependencies and touches no globals (house-style §3): the hono app
 * (tested with `app.request()`), the agent WebSocket gateway (attached to an http server by
 * server.ts), the live feed and the metrics.
 */
export function createApp(deps: AppDeps) {
  const { db, hub, clock, log, config } = deps;
  // the scrape-time sources are read only when /metrics is scraped, once everything below exists
  const metrics = createMetrics({
    summary: () => services.summary.shared(),
    checkStatuses: () => services.summary.checkStatuses(),
    connectedAgents: () => gateway.connected,
    ingestFailingHosts: () => services.agents.countIngestFailing(),
    outbox: () => alerting.outboxStats(),
  });
  const alerting = alertingFromConfig({ db, clock, log, config, metrics });
  const services = createServices({ db, hub, clock, log, config, alerting }, judgingFor(deps, metrics));
  let ready = true;
  const database = createDatabaseStatus(log, () => clock.now());
  const live = createLiveFeed({ hub, summary: services.summary.shared, log });
  const gateway = createAgentGateway({ agents: services.agents, log, metrics, config, hub, database });

  // failed logins and bearers, per client address and per account (docs/security.md)
  const guard = { throttle: new AuthThrottle(clock, config.authThrottle), log };
  const admin = requireAdmin(services, guard);
  const app = new Hono<AppEnv>();
  app.use(requestId());
  // host-supplied text is shown in the dashboard: a strict Content Security Policy (no inline
  // script or style, nothing from elsewhere), nosniff, no framing, no referrer (docs/security.md)
  app.use(secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, xFrameOptions: "DENY" }));
  app.onError(
    onError(log, (err) => {
      metrics.databaseError(err, "http");
      database.failed(err);
    }),
  );
  // no route: 405 with Allow when the path exists with other methods, else 404 (routes read lazily)
  app.notFound(notFound(() => app.routes));

  app.route(
    "/",
    healthRoutes({
      services,
      isReady: () => ready,
      database,
      onDatabaseError: (err) => metrics.databaseError(err, "readiness"),
    }),
  );
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppError("payload_too_large", `request body larger than ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  // no value may hold a NUL (PostgreSQL text cannot): refused before any route parses it
  app.use("/api/*", async (c, next) => {
    if (hasEncodedNul(c.req.url)) throw new AppError("bad_request", "invalid request: a NUL in the URL");
    return next();
  });
  app.get("/api/agent/ws", (c) =>
    c.json(errorBody("bad_request", "WebSocket upgrade required", c.get("requestId")), 426),
  );
  app.route("/api/session", sessionRoutes(services, guard));
  app.route("/api", openApiRoutes());
  app.use("/api/*", async (c, next) =>
    c.req.path.startsWith("/api/session") || c.req.path === "/api/openapi.json" ? next() : admin(c, next),
  );
  // Prometheus scrapes with a metrics:read API token, never the admin token
  app.use("/metrics", requireMetricsReader(services, admin));
  // before the routes with parameters (/api/hosts/:id would take /api/hosts/facets)
  app.route("/api", fleetOpsRoutes(createFleetOpsServices({ db, hub, clock, log, config })));
  app.route("/api/fleet", fleetRoutes(services));
  app.route("/api", hostLifecycleRoutes(services));
  app.route("/api", hostRoutes(services));
  app.route("/api/tokens", tokenRoutes(services));
  app.route("/api/api-tokens", apiTokenRoutes(services));
  app.route("/api", alertRoutes(alerting));
  if (deps.testClock) app.route("/api/test/clock", testClockRoutes(deps.testClock, alerting));
  app.route("/api/events", eventRoutes(services, live));
  app.route("/metrics", metricsRoutes(metrics));
  app.route("/", dashboardRoutes(config.dashboardDir));

  return {
    app,
    services,
    alerting,
    gateway,
    live,
    metrics,
    database,
    /** /readyz answers 503 from now on (shutdown) */
    setReady(value: boolean) {
      ready = value;
    },
  };
}

export type KdumpwatchApp = ReturnType<typeof createApp>;

/**
 * Worker threads when the bundle's judge worker is there and KDUMPWATCH_JUDGE_WORKERS > 0; on the
 * event loop for an injected judge (tests) or when run from source.
 */
function judgingFor(deps: AppDeps, metrics: { judgeSeconds: { observe(v: number): void } }): Judging {
  const file = judgeWorkerFile();
  const judging =
    deps.judge === undefined && file !== null && deps.config.judgeWorkers > 0
      ? createJudgePool({ file, size: deps.config.judgeWorkers, log: deps.log })
      : inlineJudging(timedJudge(deps.judge ?? judgeSnapshot, metrics));
  if (judging.kind === "inline") return judging;
  return {
    ...judging,
    async prepare(snapshot, now) {
      const started = performance.now();
      try {
        return await judging.prepare(snapshot, now);
      } finally {
        metrics.judgeSeconds.observe((performance.now() - started) / 1000);
      }
    },
  };
}

/** The judge, timed into kdumpwatch_judge_duration_seconds. */
function timedJudge(judge: JudgeFn, metrics: { judgeSeconds: { observe(v: number): void } }): JudgeFn {
  return (snapshot, now) => {
    const started = performance.now();
    try {
      return judge(snapshot, now);
    } finally {
      metrics.judgeSeconds.observe((performance.now() - started) / 1000);
    }
  };
}
