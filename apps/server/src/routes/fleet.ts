import { Hono } from "hono";
import type { AppEnv, Services } from "../env.ts";

export function fleetRoutes(services: Services) {
  return new Hono<AppEnv>().get("/summary", async (c) => c.json(await services.summary.get()));
}
