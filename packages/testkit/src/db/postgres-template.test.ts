import { type DatabaseHandle, openDatabase, sql } from "@kdumpwatch/db";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CATALOG, catalogPart, rows } from "./catalog.ts";
import {
  createScratchDatabase,
  type ScratchDatabase,
  TEST_DATABASE_URL_VAR,
  testDrivers,
} from "./drivers.ts";
import { migratedTemplate } from "./postgres-template.ts";

const baseUrl = process.env[TEST_DATABASE_URL_VAR];

// PostgreSQL only (KDUMPWATCH_TEST_DATABASE_URL, as CI sets it): defined, not skipped, without it
describe.runIf(baseUrl)("a PostgreSQL test database copied from the migrated template", () => {
  let freshScratch: ScratchDatabase;
  let copyScratch: ScratchDatabase;
  let fresh: DatabaseHandle;
  let copy: DatabaseHandle;

  beforeAll(async () => {
    freshScratch = await createScratchDatabase(baseUrl!);
    fresh = await openDatabase({ url: freshScratch.url, poolSize: 1 });
    copyScratch = await createScratchDatabase(baseUrl!, await migratedTemplate(baseUrl!));
    copy = await openDatabase({ url: copyScratch.url, poolSize: 1 });
  });
  afterAll(async () => {
    await fresh?.close();
    await copy?.close();
    await freshScratch?.drop();
    await copyScratch?.drop();
  });

  test.each(Object.keys(CATALOG))("has the same %s as a freshly migrated database", async (part) => {
    const { expected, actual, mustHaveRows } = await catalogPart(fresh, copy, part);
    if (mustHaveRows) expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  test("is named after the migrations, built once per process, and left with nobody connected", async () => {
    const name = await migratedTemplate(baseUrl!);
    expect(name).toMatch(/^kdw_tpl_[0-9a-f]{16}$/);
    expect(await migratedTemplate(baseUrl!)).toBe(name);
    const admin = postgres(baseUrl!, { max: 1, onnotice: () => {} });
    try {
      expect(await admin`select count(*)::int as n from pg_stat_activity where datname = ${name}`).toEqual([
        { n: 0 },
      ]);
    } finally {
      await admin.end({ timeout: 5 });
    }
  });

  test("the driver's databases are empty and independent of each other", async () => {
    const postgresDriver = testDrivers().find((d) => d.name === "postgres")!;
    const a = await postgresDriver.open();
    const b = await postgresDriver.open();
    try {
      expect(await rows(a, "select count(*)::int as n from hosts")).toEqual([{ n: 0 }]);
      await a.db.execute(sql`create table template_probe (x int)`);
      expect(await rows(b, "select to_regclass('template_probe') as t")).toEqual([{ t: null }]);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });
});
