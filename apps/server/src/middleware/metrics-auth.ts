import type { MiddlewareHandler } from "hono";
import type { AppEnv, Services } from "../env.ts";

/** API tokens carry this prefix (services/secrets.ts); anything else is tried as the admin token. */
const API_TOKEN_PREFIX = "kdwr_";

/**
 * `/metrics`: a `metrics:read` API token (what Prometheus holds), or whatever the admin guard
 * accepts. A scoped token opens nothing else: every other route goes through the admin guard only.
 */
export function requireMetricsReader(
  services: Services,
  admin: MiddlewareHandler<AppEnv>,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    const token = match?.[1];
    if (token?.startsWith(API_TOKEN_PREFIX) && (await services.apiTokens.verify(token, "metrics:read"))) {
      return next();
    }
    return admin(c, next);
  };
}
