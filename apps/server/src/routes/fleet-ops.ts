import {
  AlertFilterSchema,
  AlertPageQuerySchema,
  BulkSilenceSchema,
  ChangeFeedQuerySchema,
  FixScriptQuerySchema,
  HostFacetsQuerySchema,
  HostsAtQuerySchema,
} from "@kdumpwatch/protocol";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";
import type { FleetOpsServices } from "../services/fleet-ops.ts";

/**
 * The dashboard's fleet-scale views (protocol fleet-ops.ts), mounted at /api:
 * `GET /alerts/overview`, `GET /alerts/page`, `GET /changes`, `GET /fleet/at`, `GET /hosts/facets`,
 * `GET /fixes`, `GET /fixes/script`, `POST /silences/bulk`.
 */
export function fleetOpsRoutes(ops: FleetOpsServices) {
  return new Hono<AppEnv>()
    .get("/alerts/overview", async (c) =>
      c.json(await ops.alerts.overview(parseWith(AlertFilterSchema, c.req.query()))),
    )
    .get("/alerts/page", async (c) =>
      c.json(await ops.alerts.page(parseWith(AlertPageQuerySchema, c.req.query()))),
    )
    .get("/changes", async (c) =>
      c.json(await ops.changes.feed(parseWith(ChangeFeedQuerySchema, c.req.query()))),
    )
    .get("/fleet/at", async (c) =>
      c.json(await ops.changes.hostsAt(parseWith(HostsAtQuerySchema, c.req.query()))),
    )
    .get("/hosts/facets", async (c) =>
      c.json(await ops.hosts.facets(parseWith(HostFacetsQuerySchema, c.req.query()))),
    )
    .get("/fixes", async (c) => c.json(await ops.fixes.groups()))
    .get("/fixes/script", async (c) =>
      c.json(await ops.fixes.script(parseWith(FixScriptQuerySchema, c.req.query()))),
    )
    .post("/silences/bulk", async (c) => {
      const input = parseWith(BulkSilenceSchema, await jsonBody(c.req));
      return c.json(await ops.silences.bulk(input), 201);
    });
}
