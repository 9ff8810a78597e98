import { SessionCreateSchema } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv, Services } from "../env.ts";
import { AppError } from "../errors.ts";
import { type AuthGuard, recordFailure, refuseIfThrottled, SESSION_COOKIE } from "../middleware/auth.ts";
import { clientAddress } from "../middleware/client-address.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

const SESSION_MAX_AGE_SEC = 12 * 3600;

/**
 * Dashboard login: `POST /api/session {token}` trades the admin token for an HttpOnly cookie.
 * Wrong tokens are throttled per client address and for the admin account (429, Retry-After).
 */
export function sessionRoutes(services: Services, guard: AuthGuard) {
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const id = getCookie(c, SESSION_COOKIE);
      return c.json({ authenticated: id !== undefined && (await services.auth.verifySession(id)) });
    })
    .post("/", async (c) => {
      const { token } = parseWith(SessionCreateSchema, await jsonBody(c.req));
      refuseIfThrottled(c, guard);
      const id = await services.auth.createSession(token);
      if (!id) {
        recordFailure(c, guard, "login");
        throw new AppError("unauthorized", "wrong admin token");
      }
      guard.throttle.succeed(clientAddress(c));
      const forwarded = c.req.header("x-forwarded-proto");
      setCookie(c, SESSION_COOKIE, id, {
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
        maxAge: SESSION_MAX_AGE_SEC,
        secure: new URL(c.req.url).protocol === "https:" || forwarded === "https",
      });
      return c.json({ authenticated: true });
    })
    .delete("/", async (c) => {
      const id = getCookie(c, SESSION_COOKIE);
      if (id) await services.auth.deleteSession(id);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.json({ authenticated: false });
    });
}
