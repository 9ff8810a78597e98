import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The peer address of the TCP connection, for throttling and logs. X-Forwarded-For is not read:
 * anyone could send one and get a fresh throttle budget with each request (docs/security.md).
 * Requests without a socket (`app.request()` in tests, the admin channel) are "unknown".
 */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
