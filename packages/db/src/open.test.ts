import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createScratchDatabase,
  seedPgliteDataDir,
  type TestDatabase,
  testDrivers,
} from "@kdumpwatch/testkit/db";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataDirLockedError, defaultMigrationsFolder, hosts, openDatabase, sql } from "./index.ts";

const EXPECTED_TABLES = [
  "alert_dump_baselines",
  "alert_notification_items",
  "alert_notifications",
  "alert_outbox",
  "alert_silences",
  "alerts",
  "enrollment_tokens",
  "host_credentials",
  "host_duplicates",
  "host_reports",
  "hosts",
  "server_instances",
  "sessions",
  "settings",
  "snapshots",
  "transitions",
];

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

describe.each(testDrivers())("openDatabase on $name", (driver) => {
  let handle: TestDatabase;
  beforeAll(async () => {
    handle = await driver.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  test("applies the migrations: every core table exists (alerting adds its own)", async () => {
    const res = await handle.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const names = rowsOf<{ table_name: string }>(res).map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(EXPECTED_TABLES));
  });

  test("round-trips a host row with arrays, bigints and timestamps", async () => {
    const at = new Date("2026-11-26T10:00:00.000Z");
    await handle.db.insert(hosts).values({
      id: "h1",
      machineId: "m1",
      hostname: "web-1",
      failing: ["crashkernel.reserved", "kdump.loaded"],
      ramBytes: 64 * 2 ** 30,
      enrolledAt: at,
      lastSeenAt: at,
      verdictSince: at,
      staleClockAt: at,
    });
    const [row] = await handle.db.select().from(hosts);
    expect(row?.failing).toEqual(["crashkernel.reserved", "kdump.loaded"]);
    expect(row?.ramBytes).toBe(64 * 2 ** 30);
    expect(row?.lastSeenAt.toISOString()).toBe(at.toISOString());
    expect(row?.verdict, "verdict defaults to unknown").toBe("unknown");
  });

  test("byte counts keep every unsigned 64-bit value exactly, and sort as numbers", async () => {
    const at = new Date("2026-11-26T10:00:00.000Z");
    const row = (id: string, ramBytes: number | `${bigint}`) => ({
      id,
      machineId: id,
      hostname: id,
      ramBytes,
      enrolledAt: at,
      lastSeenAt: at,
      verdictSince: at,
      staleClockAt: at,
    });
    await handle.db
      .insert(hosts)
      .values([
        row("b1", "9007199254740993"),
        row("b2", "18446744073709551615"),
        row("b3", 2 ** 53 - 1),
        row("b4", "9007199254740992"),
      ]);
    const got = await handle.db
      .select({ id: hosts.id, ramBytes: hosts.ramBytes })
      .from(hosts)
      .where(sql`${hosts.id} like 'b%'`)
      .orderBy(hosts.ramBytes);
    expect(got).toEqual([
      { id: "b3", ramBytes: 2 ** 53 - 1 },
      { id: "b4", ramBytes: "9007199254740992" },
      { id: "b1", ramBytes: "9007199254740993" },
      { id: "b2", ramBytes: "18446744073709551615" },
    ]);
  });

  test("migration 0008: pg_trgm is installed and the read path's indexes exist", async () => {
    const ext = await handle.db.execute(sql`select extname from pg_extension where extname = 'pg_trgm'`);
    expect(rowsOf<{ extname: string }>(ext).map((r) => r.extname)).toEqual(["pg_trgm"]);
    const idx = await handle.db.execute(
      sql`select indexname, indexdef from pg_indexes where tablename = 'hosts'
        and indexname in ('hosts_hostname_trgm_idx', 'hosts_ram_bytes_desc_idx') order by 1`,
    );
    const defs = rowsOf<{ indexname: string; indexdef: string }>(idx);
    expect(defs.map((r) => r.indexname)).toEqual(["hosts_hostname_trgm_idx", "hosts_ram_bytes_desc_idx"]);
    expect(defs[0]?.indexdef).toContain("gin_trgm_ops");
    if (driver.name === "pglite") {
      // no autovacuum empties GIN pending lists there: open.ts keeps them short
      const limit = await handle.db.execute(sql`show gin_pending_list_limit`);
      expect(rowsOf<{ gin_pending_list_limit: string }>(limit)[0]?.gin_pending_list_limit).toBe("64kB");
    }
    // the extension works: similarity() is pg_trgm's
    const sim = await handle.db.execute(sql`select similarity('db-0042', 'db-0043') > 0 as ok`);
    expect(rowsOf<{ ok: boolean }>(sim)[0]?.ok).toBe(true);
  });

  test("delivers a NOTIFY to a listener", async () => {
    const got: string[] = [];
    const stop = await handle.listen("kdw_test", (p) => got.push(p));
    await handle.notify("kdw_test", "hello");
    await expect.poll(() => got, { timeout: 5000 }).toEqual(["hello"]);
    await stop();
  });
});

/** A copy of the migrations folder that stops before migration `stopAt` (a database of an older release). */
function migrationsUpTo(stopAt: number): string {
  const dir = mkdtempSync(join(tmpdir(), "kdw-migrations-"));
  cpSync(defaultMigrationsFolder(), dir, { recursive: true });
  const journalPath = join(dir, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx < stopAt);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

type Opened = { close(): Promise<void> } & Pick<TestDatabase, "db">;

/** Every migration before `stopAt` is recorded, and none after: the database is the older release's. */
async function expectMigratedUpTo(opened: Opened, stopAt: number): Promise<void> {
  const res = await opened.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  expect(rowsOf<{ n: number }>(res)[0]?.n, `the migrations before ${stopAt}`).toBe(stopAt);
}
type Upgrade = (open: (migrationsFolder?: string) => Promise<Opened>) => Promise<void>;

/**
 * Runs an upgrade scenario (open with the older migrations, fill, open again with all of them) on a
 * PGlite data directory, and on a scratch PostgreSQL database when one is configured.
 */
function upgradeOnEveryDriver(upgrade: Upgrade, pgliteTitle: string): void {
  test(pgliteTitle, async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdw-upgrade-"));
    try {
      // the directory as initdb left it, no migration applied (the run's image: one initdb per run,
      // not one per test; these tests are about the migrations, server.test.ts starts on an empty one)
      await seedPgliteDataDir(dir, "initdb");
      await upgrade((migrationsFolder) =>
        openDatabase({ dataDir: dir, ...(migrationsFolder ? { migrationsFolder } : {}) }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test.runIf(process.env.KDUMPWATCH_TEST_DATABASE_URL)(
    "PostgreSQL: the migration applies to a populated database",
    async () => {
      const scratch = await createScratchDatabase(process.env.KDUMPWATCH_TEST_DATABASE_URL!);
      try {
        await upgrade((migrationsFolder) =>
          openDatabase({ url: scratch.url, poolSize: 1, ...(migrationsFolder ? { migrationsFolder } : {}) }),
        );
      } finally {
        await scratch.drop();
      }
    },
  );
}

describe("migration 0008 on a database of the previous release, with hosts in it", () => {
  const upgrade: Upgrade = async (open) => {
    const older = migrationsUpTo(8);
    try {
      const before = await open(older);
      await expectMigratedUpTo(before, 8);
      await before.db.insert(hosts).values(
        ["db-0001", "web-0002"].map((hostname) => ({
          id: hostname,
          machineId: hostname,
          hostname,
          enrolledAt: new Date(),
          lastSeenAt: new Date(),
          verdictSince: new Date(),
          staleClockAt: new Date(),
        })),
      );
      await before.close();
    } finally {
      rmSync(older, { recursive: true, force: true });
    }
    const after = await open();
    try {
      const found = await after.db.execute(
        sql`select hostname from hosts where hostname ilike '%DB-00%' order by 1`,
      );
      expect(rowsOf<{ hostname: string }>(found).map((r) => r.hostname)).toEqual(["db-0001"]);
      const ext = await after.db.execute(
        sql`select count(*)::int as n from pg_extension where extname = 'pg_trgm'`,
      );
      expect(rowsOf<{ n: number }>(ext)[0]?.n).toBe(1);
    } finally {
      await after.close();
    }
  };

  upgradeOnEveryDriver(
    upgrade,
    "PGlite: a data directory made without pg_trgm is upgraded when it is opened again",
  );
});

describe("migration 0009 (sort indexes) on a populated database of the previous release", () => {
  const upgrade: Upgrade = async (open) => {
    const older = migrationsUpTo(9);
    try {
      const before = await open(older);
      await expectMigratedUpTo(before, 9);
      const host = (id: string, failing: string[], ramBytes: number | null) => ({
        id,
        machineId: id,
        hostname: `${id}.lab`,
        failing,
        ramBytes,
        enrolledAt: new Date(),
        lastSeenAt: new Date(),
        verdictSince: new Date(),
        staleClockAt: new Date(),
      });
      await before.db
        .insert(hosts)
        .values([
          host("c", ["kdump.loaded", "crashkernel.size"], 4096),
          host("a", [], null),
          host("b", ["kdump.loaded"], 1024),
          host("d", [], 1024),
        ]);
      await before.close();
    } finally {
      rmSync(older, { recursive: true, force: true });
    }
    const after = await open();
    try {
      const idx = await after.db.execute(
        sql`select indexname from pg_indexes where tablename = 'hosts'
          and indexname in ('hosts_failing_count_idx', 'hosts_ram_bytes_asc_idx') order by 1`,
      );
      expect(rowsOf<{ indexname: string }>(idx).map((r) => r.indexname)).toEqual([
        "hosts_failing_count_idx",
        "hosts_ram_bytes_asc_idx",
      ]);
      // the rows written before the migration are in the new indexes (read through them in order)
      await after.db.execute(sql`set enable_seqscan = off`);
      await after.db.execute(sql`set enable_sort = off`);
      const byFailing = await after.db.execute(
        sql`select id from hosts order by cardinality(failing), hostname, id`,
      );
      expect(rowsOf<{ id: string }>(byFailing).map((r) => r.id)).toEqual(["a", "d", "b", "c"]);
      const byRam = await after.db.execute(
        sql`select id from hosts order by (ram_bytes is null), coalesce(ram_bytes, '0'::numeric), id`,
      );
      expect(rowsOf<{ id: string }>(byRam).map((r) => r.id)).toEqual(["b", "d", "c", "a"]);
    } finally {
      await after.close();
    }
  };

  upgradeOnEveryDriver(
    upgrade,
    "PGlite: a data directory of the previous release is upgraded when it is opened again",
  );
});

const pgUrl = process.env.KDUMPWATCH_TEST_DATABASE_URL;
describe.runIf(pgUrl)("PostgreSQL specifics", () => {
  test("two servers migrating one empty database at once both succeed (advisory lock)", async () => {
    const scratch = await createScratchDatabase(pgUrl!);
    try {
      const [a, b] = await Promise.all([
        openDatabase({ url: scratch.url }),
        openDatabase({ url: scratch.url }),
      ]);
      const res = await a.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const journal = JSON.parse(readFileSync(join(defaultMigrationsFolder(), "meta/_journal.json"), "utf8"));
      expect(rowsOf<{ n: number }>(res)[0]?.n, "each migration recorded once").toBe(journal.entries.length);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await scratch.drop();
    }
  });

  test("the leader lock is held by one connection at a time and is free again after release", async () => {
    const scratch = await createScratchDatabase(pgUrl!);
    try {
      const a = await openDatabase({ url: scratch.url });
      const b = await openDatabase({ url: scratch.url, migrate: false });
      const leaseA = await a.tryLock(42);
      expect(leaseA, "the first process gets the lock").not.toBeNull();
      expect(await b.tryLock(42), "the second process does not").toBeNull();
      await leaseA!.release();
      const leaseB = await b.tryLock(42);
      expect(leaseB, "after release the other process gets it").not.toBeNull();
      await leaseB!.release();
      await a.close();
      await b.close();
    } finally {
      await scratch.drop();
    }
  });

  test("when the holder's connection dies its lock is free and the holder notices on check()", async () => {
    const scratch = await createScratchDatabase(pgUrl!);
    try {
      const a = await openDatabase({ url: scratch.url });
      const b = await openDatabase({ url: scratch.url, migrate: false });
      const leaseA = await a.tryLock(7);
      expect(leaseA).not.toBeNull();
      await b.db.execute(
        sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and objid = 7`,
      );
      await expect(leaseA!.check(), "the holder learns it lost the lock").rejects.toThrow();
      const lease = await b.tryLock(7);
      expect(lease, "a dead holder's lock is free").not.toBeNull();
      await lease!.release();
      await leaseA!.release();
      await a.close();
      await b.close();
    } finally {
      await scratch.drop();
    }
  });
});

describe("PGlite data directory", () => {
  test("a second open of the same directory fails clearly, and reopening after close keeps the data", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdw-pglite-"));
    try {
      // a directory already initialised and migrated (the upgrade tests above start empty ones)
      await seedPgliteDataDir(dir);
      const first = await openDatabase({ dataDir: dir });
      await first.db.insert(hosts).values({
        id: "h1",
        machineId: "m1",
        hostname: "kept",
        enrolledAt: new Date(),
        lastSeenAt: new Date(),
        verdictSince: new Date(),
        staleClockAt: new Date(),
      });
      await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      await first.close();
      const second = await openDatabase({ dataDir: `${dir}` });
      const rows = await second.db.select({ hostname: hosts.hostname }).from(hosts);
      expect(rows).toEqual([{ hostname: "kept" }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
