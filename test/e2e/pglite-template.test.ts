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
import { type DatabaseHandle, openDatabase } from "@kdumpwatch/db";
import { CATALOG, catalogPart, rows } from "@kdumpwatch/testkit/db";
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

/**
 * The parts of a schema the in-memory image's check compares (testkit's CATALOG), but `settings`:
 * those are set per session at open, not stored in the data directory.
 */
const STORED = Object.fromEntries(Object.entries(CATALOG).filter(([part]) => part !== "settings"));

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

  test.each(Object.keys(STORED))("has the same %s as a server that ran initdb itself", async (part) => {
    const { expected, actual, mustHaveRows } = await catalogPart(fresh, fromTemplate, part);
    if (mustHaveRows) expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  test("has every migration of the bundle's journal, and no data", async () => {
    const journal = await import(join(bundleMigrations, "meta/_journal.json"), { with: { type: "json" } });
    const entries = (journal.default as { entries: unknown[] }).entries.length;
    expect(await rows(fromTemplate, "select id from drizzle.__drizzle_migrations")).toHaveLength(entries);
    expect(await rows(fresh, "select id from drizzle.__drizzle_migrations")).toHaveLength(entries);
    expect(await rows(fromTemplate, "select count(*)::int as n from hosts")).toEqual([{ n: 0 }]);
  });
});
