import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

const NOT_SPA = /^\/(api|metrics|healthz|readyz)(\/|$|\.)/;

/**
 * The built dashboard at `/` with a single-page-app fallback to index.html. Nothing is served when
 * the directory has no index.html (dashboard not built). API paths never fall back to the SPA;
 * WebSocket upgrades never reach hono at all (ws/gateway.ts answers them, 404 on wrong paths).
 */
export function dashboardRoutes(dir: string) {
  const app = new Hono<AppEnv>();
  const root = resolve(dir);
  if (!existsSync(`${root}/index.html`)) return app;
  app.use("/*", async (c, next) => (NOT_SPA.test(c.req.path) ? next() : serveStatic({ root })(c, next)));
  app.get("*", async (c, next) =>
    NOT_SPA.test(c.req.path) ? next() : serveStatic({ root, path: "index.html" })(c, next),
  );
  return app;
}
