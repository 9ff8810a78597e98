import { TokenCreateSchema } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import type { AppEnv, Services } from "../env.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

/** Enrollment tokens for the dashboard (the CLI `token create|list|revoke` calls the same verbs). */
export function tokenRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json(await services.tokens.list()))
    .post("/", async (c) => {
      const input = parseWith(TokenCreateSchema, await jsonBody(c.req));
      return c.json(await services.tokens.create(input), 201);
    })
    .delete("/:id", async (c) => c.json(await services.tokens.revoke(c.req.param("id"))));
}
