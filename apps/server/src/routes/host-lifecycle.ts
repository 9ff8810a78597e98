import { BulkDecommissionSchema, DuplicateResolutionSchema } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import type { AppEnv, Services } from "../env.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

/**
 * Host lifecycle (protocol lifecycle.ts), mounted at /api:
 * `POST /hosts/decommission` (many), `POST /hosts/:id/decommission`, `POST /hosts/:id/duplicate`.
 */
export function hostLifecycleRoutes(services: Services) {
  return new Hono<AppEnv>()
    .post("/hosts/decommission", async (c) => {
      const input = parseWith(BulkDecommissionSchema, await jsonBody(c.req));
      return c.json(await services.lifecycle.decommissionMany(input));
    })
    .post("/hosts/:id/decommission", async (c) =>
      c.json(await services.lifecycle.decommission(c.req.param("id"))),
    )
    .post("/hosts/:id/duplicate", async (c) => {
      const { action } = parseWith(DuplicateResolutionSchema, await jsonBody(c.req));
      return c.json(await services.lifecycle.resolveDuplicate(c.req.param("id"), action));
    });
}
