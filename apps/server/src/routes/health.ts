import { Hono } from "hono";
import type { DatabaseStatus } from "../database-status.ts";
import type { AppEnv, Services } from "../env.ts";

/** How long /readyz waits for the database before it answers 503 (a probe must not hang). */
const READY_PROBE_TIMEOUT_MS = 3_000;

export interface HealthDeps {
  services: Services;
  /** false from the start of a shutdown */
  isReady: () => boolean;
  database: DatabaseStatus;
  onDatabaseError?: (err: unknown) => void;
}

/**
 * `/healthz`: the process is up. `/readyz`: it can serve — not shutting down, the database commits
 * a write within READY_PROBE_TIMEOUT_MS (a read alone passes on a full disk), and no storage fault
 * was seen lately (database-status.ts). A load balancer stops sending traffic on 503; the body says
 * why (`reason`, no internals).
 */
export function healthRoutes(deps: HealthDeps) {
  const { services, isReady, database, onDatabaseError = () => {} } = deps;
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" as const }))
    .get("/readyz", async (c) => {
      if (!isReady()) return c.json({ status: "not_ready" as const, reason: "shutting_down" }, 503);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error("readiness probe timed out"), { code: "CONNECT_TIMEOUT" })),
          READY_PROBE_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([services.health.probe(), timeout]);
        database.succeeded();
        // a small write passes on a full disk: a storage fault seen lately still counts
        const down = database.down;
        if (down !== null)
          return c.json({ status: "not_ready" as const, reason: `database_${down.reason}` }, 503);
        return c.json({ status: "ready" as const });
      } catch (err) {
        onDatabaseError(err);
        const reason = database.failed(err) ?? "database";
        return c.json({ status: "not_ready" as const, reason: `database_${reason}` }, 503);
      } finally {
        clearTimeout(timer);
      }
    });
}
