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

/**
 * SQLSTATE classes and codes that mean "the database cannot serve now", not "this query is wrong"
 * (PostgreSQL Appendix A): 08 connection exception, 53 insufficient resources (disk full 53100,
 * out of memory 53200, too many connections 53300), 58 system error (I/O 58030), 57P01–57P03
 * shutting down / cannot connect now, 57014 canceled (statement_timeout), 25006 read-only
 * transaction (a standby after failover).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|58)|^57P0[1-3]$|^57014$|^25006$/;
/** node errno codes of a storage that cannot take a write (PGlite writes its files itself) */
const STORAGE_CODES = new Set(["ENOSPC", "EDQUOT", "EIO", "EROFS", "EFBIG"]);

/** Why the database could not serve, as a short reason for logs, metrics and clients; null when it is no such fault. */
export function databaseUnavailableReason(err: unknown): string | null {
  for (let e = err, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const o = e as { code?: unknown; severity?: unknown; cause?: unknown; message?: unknown };
    if (typeof o.code === "string") {
      if (CONNECTION_CODES.has(o.code)) return "connection";
      if (STORAGE_CODES.has(o.code)) return "storage";
      if (UNAVAILABLE_SQLSTATE.test(o.code) && /^[0-9A-Z]{5}$/.test(o.code)) {
        if (o.code.startsWith("53") || o.code.startsWith("58")) return "storage";
        if (o.code === "57014") return "timeout";
        return "connection";
      }
    }
    if (typeof o.message === "string" && /no space left on device|ENOSPC|file too large/i.test(o.message))
      return "storage";
    e = o.cause;
  }
  return null;
}

/** A database fault that retrying later may cure (the client gets 503, an agent gets `retry`). */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseUnavailableReason(err) !== null;
}

/** A postgres.js error for a connection that closed or could not be made (no SQLSTATE: not a query's fault). */
export function isLostConnection(err: unknown): boolean {
  if (err === null || typeof err !== "object") return false;
  const o = err as { code?: unknown; severity?: unknown };
  return typeof o.code === "string" && o.severity === undefined && CONNECTION_CODES.has(o.code);
}
