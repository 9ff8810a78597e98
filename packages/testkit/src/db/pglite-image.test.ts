import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseHandle, openDatabase, sql } from "@kdumpwatch/db";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CATALOG, catalogPart, rows } from "./catalog.ts";
import { seedPgliteDataDir, testPgliteImage } from "./pglite-image.ts";

describe("a PGlite test database opened from the migrated image", () => {
  let fresh: DatabaseHandle;
  let fromImage: DatabaseHandle;

  beforeAll(async () => {
    fresh = await openDatabase({ memory: true });
    fromImage = await openDatabase({ memory: true, pgliteImage: await testPgliteImage() });
  });
  afterAll(async () => {
    await fresh?.close();
    await fromImage?.close();
  });

  test.each(Object.keys(CATALOG))("has the same %s as a freshly migrated database", async (part) => {
    const { expected, actual, mustHaveRows } = await catalogPart(fresh, fromImage, part);
    if (mustHaveRows) expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  test("has pg_trgm, the trigram index and every migration of the journal", async () => {
    expect((await rows(fromImage, "select extname from pg_extension")).map((r) => r.extname)).toContain(
      "pg_trgm",
    );
    expect((await rows(fromImage, "select indexname from pg_indexes")).map((r) => r.indexname)).toContain(
      "hosts_hostname_trgm_idx",
    );
    const journal = await import("../../../db/drizzle/meta/_journal.json", { with: { type: "json" } });
    expect(await rows(fromImage, "select id from drizzle.__drizzle_migrations")).toHaveLength(
      journal.default.entries.length,
    );
  });

  test("is empty and independent of the other databases opened from it", async () => {
    const other = await openDatabase({ memory: true, pgliteImage: await testPgliteImage() });
    try {
      expect(await rows(fromImage, "select count(*)::int as n from hosts")).toEqual([{ n: 0 }]);
      await fromImage.db.execute(sql`create table image_probe (x int)`);
      expect(await rows(other, "select to_regclass('image_probe') as t")).toEqual([{ t: null }]);
    } finally {
      await fromImage.db.execute(sql`drop table if exists image_probe`);
      await other.close();
    }
  });

  // that it holds no migration yet is open.test.ts's to show (its upgrade tests count them)
  test("the initdb image, once migrated, is the same database as a freshly migrated one", async () => {
    const migrated = await openDatabase({
      memory: true,
      pgliteImage: await testPgliteImage(process.env, "initdb"),
    });
    try {
      for (const query of Object.values(CATALOG))
        expect(await rows(migrated, query)).toEqual(await rows(fresh, query));
    } finally {
      await migrated.close();
    }
  });

  test("written out as a data directory, opens on disk with the same schema and migrations", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdw-seeded-"));
    try {
      await seedPgliteDataDir(dir);
      expect((statSync(join(dir, "pglite")).mode & 0o777).toString(8)).toBe("700");
      const onDisk = await openDatabase({ dataDir: dir });
      try {
        for (const query of Object.values(CATALOG))
          expect(await rows(onDisk, query)).toEqual(await rows(fresh, query));
        expect(await rows(onDisk, "select count(*)::int as n from hosts")).toEqual([{ n: 0 }]);
      } finally {
        await onDisk.close();
      }
      await expect(seedPgliteDataDir(dir), "an existing directory is never overwritten").rejects.toThrow(
        /not empty/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
