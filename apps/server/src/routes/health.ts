import { Hono } from "hono";
import type { AppEnv, Services } from "../env.ts";

/**
 * `/healthz`: the process is up. `/readyz`: it can serve (database answers, not shutting down);
 * a load balancer stops sending traffic on 503.
 */
export function healthRoutes(
  services: Services,
  isReady: () => boolean,
  onDatabaseError: (err: unknown) => void = () => {},
) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.json({ status: "ok" as const }))
    .get("/readyz", async (c) => {
      if (!isReady()) return c.json({ status: "not_ready" as const }, 503);
      try {
        await services.health.ping();
        return c.json({ status: "ready" as const });
      } catch (err) {
        onDatabaseError(err);
        return c.json({ status: "not_ready" as const }, 503);
      }
    });
}
