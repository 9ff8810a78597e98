import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import type { Metrics } from "../metrics.ts";

export function metricsRoutes(metrics: Metrics) {
  return new Hono<AppEnv>().get("/", async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { "content-type": metrics.registry.contentType });
  });
}
