import { FleetHistoryQuerySchema } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import type { AppEnv, Services } from "../env.ts";
import { parseWith } from "../middleware/validate.ts";

export function fleetRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/summary", async (c) => c.json(await services.summary.get()))
    .get("/history", async (c) =>
      c.json(await services.fleet.history(parseWith(FleetHistoryQuerySchema, c.req.query()))),
    );
}
