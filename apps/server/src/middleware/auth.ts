import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv, Services } from "../env.ts";
import { AppError } from "../errors.ts";

export const SESSION_COOKIE = "kdw_session";

/** The admin bearer token or a dashboard session cookie (product.md §7); 401 otherwise. */
export function requireAdmin(services: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // the local admin channel (admin-channel.ts): the connection itself is the credential
    if ((c.env as { adminChannel?: unknown } | undefined)?.adminChannel === true) return next();
    const header = c.req.header("authorization");
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1] || !(await services.auth.verifyAdminToken(match[1]))) {
        throw new AppError("unauthorized", "invalid bearer token");
      }
      return next();
    }
    const session = getCookie(c, SESSION_COOKIE);
    if (session && (await services.auth.verifySession(session))) return next();
    throw new AppError("unauthorized", "authentication required: an admin bearer token or a session");
  };
}
