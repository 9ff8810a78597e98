import type { ApiErrorCode } from "@kdumpwatch/protocol";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { isDatabaseUnavailable } from "../database-errors.ts";
import type { AppEnv } from "../env.ts";
import { AppError, ERROR_STATUS } from "../errors.ts";
import type { Logger } from "../log.ts";
import { allowedMethods, type RegisteredRoute } from "./allowed-methods.ts";
import { isDataException } from "./data-exception.ts";

const STATUS_CODE: Record<number, ApiErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  429: "rate_limited",
  503: "unavailable",
};

const GENERIC: Record<ApiErrorCode, string> = {
  bad_request: "bad request",
  unauthorized: "authentication required",
  not_found: "not found",
  method_not_allowed: "method not allowed",
  conflict: "conflict",
  payload_too_large: "request body too large",
  rate_limited: "too many requests",
  unavailable: "temporarily unavailable",
  internal: "internal error",
};

/** The realm of every 401's challenge (RFC 9110 §11.6.1, bearer scheme of RFC 6750 §3). */
export const AUTH_REALM = "kdumpwatch";

export function errorBody(code: ApiErrorCode, message: string, requestId: string) {
  return { error: { code, message, requestId } };
}

/** One JSON error answer; a 401 always carries its WWW-Authenticate challenge (RFC 9110 §15.5.2). */
function errorResponse(c: Context<AppEnv>, code: ApiErrorCode, message: string): Response {
  const requestId = c.get("requestId") ?? "unknown";
  if (code === "unauthorized") {
    // a token was presented and refused: say so, as RFC 6750 §3.1 asks
    const invalid = c.req.header("authorization") !== undefined ? ', error="invalid_token"' : "";
    c.header("WWW-Authenticate", `Bearer realm="${AUTH_REALM}"${invalid}`);
  }
  return c.json(errorBody(code, message, requestId), ERROR_STATUS[code]);
}

/** Seconds a client is asked to wait (Retry-After, RFC 9110 §10.2.3) when the database is unreachable. */
const DATABASE_RETRY_AFTER_SEC = 5;

/**
 * The one error handler (house-style §14): AppError messages are written for clients; a database
 * that is down or refusing (lost connection, timeout, shutdown) is a 503 `unavailable` with
 * Retry-After, logged with its cause; anything else is logged with its cause and answered with a
 * generic message and the request id.
 */
export function onError(log: Logger, onUnexpected: (err: Error) => void = () => {}) {
  return (err: Error, c: Context<AppEnv>) => {
    const requestId = c.get("requestId") ?? "unknown";
    if (err instanceof AppError) {
      if (err.code === "internal" || err.code === "unavailable") log.warn({ err, requestId }, err.message);
      return errorResponse(c, err.code, err.message);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = STATUS_CODE[err.status] ?? "bad_request";
      return errorResponse(c, code, GENERIC[code]);
    }
    if (isDataException(err)) {
      // a parameter the database cannot hold (a cursor's number out of range, a NUL): the client's
      // mistake, logged for the record (data-exception.ts)
      log.info({ err, requestId, method: c.req.method, path: c.req.path }, "value refused by the database");
      return errorResponse(c, "bad_request", "invalid request: a value is out of range or not valid text");
    }
    onUnexpected(err);
    if (isDatabaseUnavailable(err)) {
      log.warn(
        { err, requestId, method: c.req.method, path: c.req.path },
        "request failed: database unavailable",
      );
      c.header("Retry-After", String(DATABASE_RETRY_AFTER_SEC));
      return errorResponse(c, "unavailable", "database unavailable, try again shortly");
    }
    log.error({ err, requestId, method: c.req.method, path: c.req.path }, "request failed");
    return errorResponse(c, "internal", GENERIC.internal);
  };
}

/**
 * No route answered. When the path exists with other methods, that is a 405 with `Allow`
 * (RFC 9110 §15.5.6), and OPTIONS lists them (204); otherwise a JSON 404.
 */
export function notFound(routes: () => readonly RegisteredRoute[]) {
  return (c: Context<AppEnv>) => {
    const allow = allowedMethods(routes(), c.req.path);
    if (allow.length > 0) {
      c.header("Allow", allow.join(", "));
      if (c.req.method === "OPTIONS") return c.body(null, 204);
      return errorResponse(
        c,
        "method_not_allowed",
        `${c.req.method} is not allowed here; use ${allow.join(", ")}`,
      );
    }
    return errorResponse(c, "not_found", "no such route");
  };
}
