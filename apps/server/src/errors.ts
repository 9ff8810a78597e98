import type { ApiErrorCode } from "@kdumpwatch/protocol";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** HTTP status of each error code; the code set itself is the protocol's closed list. */
export const ERROR_STATUS: Record<ApiErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * The one error type of the server (house-style §14). Its message is written for the client; any
 * other error is logged with its cause and answered with a generic message.
 */
export class AppError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }

  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}
