import { ApiTokenCreateSchema } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import type { AppEnv, Services } from "../env.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

/** Scoped API tokens (the CLI `api-token create|list|revoke` calls the same verbs). */
export function apiTokenRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json(await services.apiTokens.list()))
    .post("/", async (c) => {
      const input = parseWith(ApiTokenCreateSchema, await jsonBody(c.req));
      return c.json(await services.apiTokens.create(input), 201);
    })
    .delete("/:id", async (c) => c.json(await services.apiTokens.revoke(c.req.param("id"))));
}
