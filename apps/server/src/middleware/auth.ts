import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv, Services } from "../env.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { AuthThrottle } from "../services/auth-throttle.ts";
import { clientAddress } from "./client-address.ts";

export const SESSION_COOKIE = "kdw_session";

/** The one account the API has (product.md §7): the admin, by token or by a session of it. */
const ADMIN_ACCOUNT = "admin";

export interface AuthGuard {
  throttle: AuthThrottle;
  log: Logger;
}

/**
 * Refuses the attempt unchecked while the client or the account is over its failure budget
 * (services/auth-throttle.ts): 429 with Retry-After. Call before verifying a credential.
 */
export function refuseIfThrottled(c: Context<AppEnv>, guard: AuthGuard, account = ADMIN_ACCOUNT): void {
  const wait = guard.throttle.retryAfter(clientAddress(c), account);
  if (wait > 0) throttled(c, wait);
}

/** Counts a failed attempt and logs it with the client address (never the credential). */
export function recordFailure(
  c: Context<AppEnv>,
  guard: AuthGuard,
  kind: "bearer" | "login",
  account = ADMIN_ACCOUNT,
): void {
  const client = clientAddress(c);
  const wait = guard.throttle.fail(client, account);
  guard.log.warn(
    {
      client,
      account,
      kind,
      path: c.req.path,
      requestId: c.get("requestId"),
      ...(wait > 0 ? { retryAfterSec: wait } : {}),
    },
    "authentication failed",
  );
}

function throttled(c: Context<AppEnv>, wait: number): never {
  c.header("Retry-After", String(wait));
  throw new AppError("rate_limited", `too many failed authentication attempts; retry in ${wait} s`);
}

/**
 * The admin bearer token or a dashboard session cookie (product.md §7); 401 otherwise. Failed
 * bearers count against the client's and the admin's failure budget.
 */
export function requireAdmin(services: Services, guard: AuthGuard): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // the local admin channel (admin-channel.ts): the connection itself is the credential
    if ((c.env as { adminChannel?: unknown } | undefined)?.adminChannel === true) return next();
    const header = c.req.header("authorization");
    if (header !== undefined) {
      refuseIfThrottled(c, guard);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1] || !(await services.auth.verifyAdminToken(match[1]))) {
        recordFailure(c, guard, "bearer");
        throw new AppError("unauthorized", "invalid bearer token");
      }
      guard.throttle.succeed(clientAddress(c));
      return next();
    }
    // a session id is 192 random bits, not guessable; an expired cookie on every poll of an open
    // dashboard must not use up its address's budget for the login that follows
    const session = getCookie(c, SESSION_COOKIE);
    if (session && (await services.auth.verifySession(session))) return next();
    throw new AppError("unauthorized", "authentication required: an admin bearer token or a session");
  };
}
