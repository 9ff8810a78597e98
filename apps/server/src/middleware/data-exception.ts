/**
 * A value PostgreSQL refused as data (SQLSTATE class 22, "data exception": a number out of range
 * 22003, a date it cannot hold 22008 / 22007, text it cannot take such as NUL 22021 or invalid
 * UTF-8 22P05, bad text for a type 22P02). Requests only reach the database with values parsed
 * from the client, so such a refusal is a bad request, never a 500 (PostgreSQL `errcodes.txt`).
 * Follows `cause` chains (drizzle wraps the driver's error).
 */
export function isDataException(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const o = e as { code?: unknown; severity?: unknown; cause?: unknown };
    if (typeof o.code === "string" && /^22[0-9A-Z]{3}$/.test(o.code) && typeof o.severity === "string")
      return true;
    e = o.cause;
  }
  return false;
}

/** An encoded NUL anywhere in the URL: no path or query value may hold one (PostgreSQL text cannot). */
export function hasEncodedNul(url: string): boolean {
  return /%00/.test(url);
}
