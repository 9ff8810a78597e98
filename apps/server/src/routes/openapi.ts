import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { buildOpenApiDocument } from "../openapi/document.ts";
import { API_ROUTES } from "../openapi/route-table.ts";
import { BUILD_INFO } from "../version.ts";

/** `GET /api/openapi.json`: the API described (no credential needed: it holds schemas, no data). */
export function openApiRoutes() {
  let document: string | null = null;
  return new Hono<AppEnv>().get("/openapi.json", (c) => {
    document ??= JSON.stringify(buildOpenApiDocument(API_ROUTES, BUILD_INFO.version));
    return c.body(document, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
