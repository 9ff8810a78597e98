/**
 * Whether an error came from the database: a query PostgreSQL refused (postgres.js `PostgresError`,
 * PGlite's error, both carrying a five-character SQLSTATE and a severity), drizzle's wrapper around
 * one, or a lost or refused connection (postgres.js `CONNECTION_*`, node's ECONNREFUSED…). Follows
 * `cause` chains, which is where drizzle and fetch-like layers put the original.
 */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
]);

export function isDatabaseError(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const o = e as { name?: unknown; code?: unknown; severity?: unknown; cause?: unknown };
    if (o.name === "PostgresError" || o.name === "DrizzleQueryError") return true;
    if (typeof o.code === "string" && /^[0-9A-Z]{5}$/.test(o.code) && typeof o.severity === "string")
      return true;
    if (typeof o.code === "string" && CONNECTION_CODES.has(o.code)) return true;
    e = o.cause;
  }
  return false;
}
