/**
 * Hot-path statements with a fixed text (issue 13). Drizzle sends every statement it builds as an
 * unnamed one, so PostgreSQL parses and plans it again each time, and the server rebuilds it from
 * the query builder. A statement run here is a constant string with numbered parameters, named so
 * that postgres.js prepares it once per connection (PGlite has no named statements and simply
 * runs it). It runs on whatever connection `q` is: the pool, or the caller's transaction.
 */
import type { Db, Tx } from "@kdumpwatch/db";

/** One statement of fixed text, run as a prepared statement; returns its rows. */
export async function runPrepared<Row extends Record<string, unknown>>(
  q: Db | Tx,
  name: string,
  text: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const prepared = q._.session.prepareQuery({ sql: text, params: [...params] }, undefined, name, false);
  const result = (await prepared.execute()) as Row[] | { rows: Row[] };
  // postgres.js answers with the rows themselves, PGlite with a result object
  return Array.isArray(result) ? result : result.rows;
}
