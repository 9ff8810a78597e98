import { AlertListQuerySchema, SilenceCreateSchema, SilenceListQuerySchema } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import type { Alerting } from "../alerting/alerting.ts";
import type { AppEnv } from "../env.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

type AlertingApi = Pick<Alerting, "listAlerts" | "listSilences" | "createSilence" | "endSilence">;

/**
 * Alerts and silences (docs/alerting.md): `GET /api/alerts?resolvedWithin=24h&hostId=`,
 * `GET /api/silences?expired=true`, `POST /api/silences`, `DELETE /api/silences/:id`.
 */
export function alertRoutes(alerting: AlertingApi) {
  return new Hono<AppEnv>()
    .get("/alerts", async (c) =>
      c.json(await alerting.listAlerts(parseWith(AlertListQuerySchema, c.req.query()))),
    )
    .get("/silences", async (c) => {
      const q = parseWith(SilenceListQuerySchema, c.req.query());
      return c.json(await alerting.listSilences(q.expired ?? false));
    })
    .post("/silences", async (c) => {
      const input = parseWith(SilenceCreateSchema, await jsonBody(c.req));
      return c.json(await alerting.createSilence(input), 201);
    })
    .delete("/silences/:id", async (c) => c.json(await alerting.endSilence(c.req.param("id"))));
}
