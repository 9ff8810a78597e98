import { SessionCreateSchema } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv, Services } from "../env.ts";
import { AppError } from "../errors.ts";
import { SESSION_COOKIE } from "../middleware/auth.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

const SESSION_MAX_AGE_SEC = 12 * 3600;

/** Dashboard login: `POST /api/session {token}` trades the admin token for an HttpOnly cookie. */
export function sessionRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const id = getCookie(c, SESSION_COOKIE);
      return c.json({ authenticated: id !== undefined && (await services.auth.verifySession(id)) });
    })
    .post("/", async (c) => {
      const { token } = parseWith(SessionCreateSchema, await jsonBody(c.req));
      const id = await services.auth.createSession(token);
      if (!id) throw new AppError("unauthorized", "wrong admin token");
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
