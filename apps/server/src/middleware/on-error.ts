import type { ApiErrorCode } from "@kdumpwatch/protocol";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { AppError, ERROR_STATUS } from "../errors.ts";
import type { Logger } from "../log.ts";

const STATUS_CODE: Record<number, ApiErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  429: "rate_limited",
  503: "unavailable",
};

const GENERIC: Record<ApiErrorCode, string> = {
  bad_request: "bad request",
  unauthorized: "authentication required",
  not_found: "not found",
  conflict: "conflict",
  payload_too_large: "request body too large",
  rate_limited: "too many requests",
  unavailable: "temporarily unavailable",
  internal: "internal error",
};

export function errorBody(code: ApiErrorCode, message: string, requestId: string) {
  return { error: { code, message, requestId } };
}

/**
 * The one error handler (house-style §14): AppError messages are written for clients; anything
 * else is logged with its cause and answered with a generic message and the request id.
 */
export function onError(log: Logger) {
  return (err: Error, c: Context<AppEnv>) => {
    const requestId = c.get("requestId") ?? "unknown";
    if (err instanceof AppError) {
      if (err.code === "internal" || err.code === "unavailable") log.warn({ err, requestId }, err.message);
      return c.json(errorBody(err.code, err.message, requestId), err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = STATUS_CODE[err.status] ?? "bad_request";
      return c.json(errorBody(code, GENERIC[code], requestId), ERROR_STATUS[code]);
    }
    log.error({ err, requestId, method: c.req.method, path: c.req.path }, "request failed");
    return c.json(errorBody("internal", GENERIC.internal, requestId), 500);
  };
}

export function notFound(c: Context<AppEnv>) {
  return c.json(errorBody("not_found", "no such route", c.get("requestId") ?? "unknown"), 404);
}
