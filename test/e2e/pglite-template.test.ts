/**
 * The end-to-end servers start from a copy of one migrated PGlite data directory per run
 * (support/pglite-template.ts) instead of running initdb and the migrations each time. That is only
 * sound if the REAL server bundle, started on such a copy, ends up with exactly the database it
 * builds itself on an empty data directory: this starts one of each, stops both cleanly, opens both
 * directories and compares their catalogs part by part (the same parts as the in-memory image's
 * check, packages/testkit/src/db/pglite-image.test.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type DatabaseHandle, openDatabase, sql } from "@kdumpwatch/db";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildMigratedDataDir, bundleMigrations, TEMPLATE_VAR } from "./support/pglite-template.ts";
import {
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const ADMIN = "pglite-template-e2e-admin-token";

/** Rows of a raw query, as plain objects. */
async function rows(handle: DatabaseHandle, query: string): Promise<Record<string, unknown>[]> {
  const res = await handle.db.execute(sql.raw(query));
  return (Array.isArray(res) ? res : (res as { rows: Record<string, unknown>[] }).rows).map((r) => ({
    ...r,
  }));
}

/**
 * What a schema is made of, each list in a fixed order (the parts of pglite-image.test.ts's CATALOG,
 * which that test file does not export; `settings` is left out: they are set per session at open,
 * not stored in the data directory).
 */
const CATALOG: Record<string, string> = {
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
};

describe("a server started from the run's migrated PGlite directory", () => {
  let fresh: DatabaseHandle;
  let fromTemplate: DatabaseHandle;
  let freshOutput = "";
  let templateOutput = "";

  beforeAll(async () => {
    requireBundles();
    // the run's template (the e2e projects' globalSetup), or one built here when run some other way
    if (!process.env[TEMPLATE_VAR]) {
      const own = tempDir("kdw-template-own-");
      await buildMigratedDataDir(own);
      process.env[TEMPLATE_VAR] = join(own, "pglite");
    }
    const freshDir = tempDir("kdw-template-fresh-");
    const copiedDir = tempDir("kdw-template-copied-");
    const a = ServerProcess.start({
      adminToken: ADMIN,
      env: { KDUMPWATCH_DATA_DIR: freshDir },
      pgliteTemplate: false,
    });
    const b = ServerProcess.start({ adminToken: ADMIN, env: { KDUMPWATCH_DATA_DIR: copiedDir } });
    expect(existsSync(join(copiedDir, "pglite/PG_VERSION")), "the template was copied before the start").toBe(
      true,
    );
    await Promise.all([a.url(), b.url()]);
    for (const s of [a, b]) expect((await s.fetch("/readyz")).status).toBe(200);
    const [exitA, exitB] = await Promise.all([a.kill("SIGTERM"), b.kill("SIGTERM")]);
    freshOutput = a.output;
    templateOutput = b.output;
    expect(exitA, freshOutput).toMatchObject({ code: 0 });
    expect(exitB, templateOutput).toMatchObject({ code: 0 });
    fresh = await openDatabase({ dataDir: freshDir, migrate: false });
    fromTemplate = await openDatabase({ dataDir: copiedDir, migrate: false });
  });

  afterAll(async () => {
    await fresh?.close();
    await fromTemplate?.close();
    await killAllServers();
    removeTempDirs();
  });

  test.each(Object.keys(CATALOG))("has the same %s as a server that ran initdb itself", async (part) => {
    const query = CATALOG[part] ?? "";
    const expected = await rows(fresh, query);
    // the comparison means something only if the migrated schema has this part at all
    if (part !== "types" && part !== "sequences") expect(expected.length).toBeGreaterThan(0);
    expect(await rows(fromTemplate, query)).toEqual(expected);
  });

  test("has every migration of the bundle's journal, and no data", async () => {
    const journal = await import(join(bundleMigrations, "meta/_journal.json"), { with: { type: "json" } });
    const entries = (journal.default as { entries: unknown[] }).entries.length;
    expect(await rows(fromTemplate, "select id from drizzle.__drizzle_migrations")).toHaveLength(entries);
    expect(await rows(fresh, "select id from drizzle.__drizzle_migrations")).toHaveLength(entries);
    expect(await rows(fromTemplate, "select count(*)::int as n from hosts")).toEqual([{ n: 0 }]);
  });
});
