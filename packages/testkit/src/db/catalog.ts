import { type DatabaseHandle, sql } from "@kdumpwatch/db";

/** Rows of a raw query on either driver's result shape. */
export async function rows(handle: DatabaseHandle, query: string): Promise<Record<string, unknown>[]> {
  const res = await handle.db.execute(sql.raw(query));
  return (Array.isArray(res) ? res : (res as { rows: Record<string, unknown>[] }).rows).map((r) => ({
    ...r,
  }));
}

/**
 * What a schema is made of, each list in a fixed order: a database opened from the PGlite image or
 * copied from the PostgreSQL template must match a freshly migrated one in every part, or tests would
 * run against a schema production never has.
 */
export const CATALOG: Record<string, string> = {
  extensions: "select extname, extversion from pg_extension order by extname",
  tables: `select table_schema, table_name, table_type from information_schema.tables
           where table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
  columns: `select table_schema, table_name, column_name, ordinal_position, data_type, udt_name,
                   is_nullable, column_default, character_maximum_length, numeric_precision
            from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
            order by 1, 2, 4`,
  indexes:
    "select schemaname, tablename, indexname, indexdef from pg_indexes where schemaname not in ('pg_catalog') order by 1, 2, 3",
  constraints: `select n.nspname, t.relname, c.conname, pg_get_constraintdef(c.oid) as def
                from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
                where n.nspname not in ('pg_catalog', 'information_schema') order by 1, 2, 3`,
  functions: `select n.nspname, p.proname, pg_get_functiondef(p.oid) as def from pg_proc p
              join pg_namespace n on n.oid = p.pronamespace where n.nspname not in ('pg_catalog', 'information_schema')
              and p.prokind = 'f' order by 1, 2, 3`,
  triggers: `select tgrelid::regclass::text as rel, tgname, pg_get_triggerdef(oid) as def from pg_trigger
             where not tgisinternal order by 1, 2`,
  sequences: "select schemaname, sequencename, data_type, increment_by from pg_sequences order by 1, 2",
  types: `select n.nspname, t.typname, t.typtype from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and t.typtype in ('e', 'd', 'c')
          and not exists (select 1 from pg_class c where c.reltype = t.oid) order by 1, 2`,
  migrations: "select hash, created_at from drizzle.__drizzle_migrations order by id",
  settings:
    "select name, setting from pg_settings where name in ('gin_pending_list_limit', 'server_version', 'TimeZone') order by 1",
};

/**
 * One CATALOG part read from a reference database and from a copy of it. `mustHaveRows`: the
 * comparison means something only if the migrated schema has this part at all (it has no
 * composite types or sequences of its own).
 */
export async function catalogPart(
  reference: DatabaseHandle,
  copy: DatabaseHandle,
  part: string,
): Promise<{
  expected: Record<string, unknown>[];
  actual: Record<string, unknown>[];
  mustHaveRows: boolean;
}> {
  const query = CATALOG[part] ?? "";
  return {
    expected: await rows(reference, query),
    actual: await rows(copy, query),
    mustHaveRows: part !== "types" && part !== "sequences",
  };
}
