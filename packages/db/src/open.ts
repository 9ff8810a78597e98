import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/postgres-js";
import { migrate as migratePg } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { type DirLock, lockDataDir } from "./lock-file.ts";
import * as schema from "./schema.ts";

/** Both drivers are assignable to this; services are written against it (docs/stack.md §6). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Advisory lock keys (pg_advisory_lock takes a bigint); one per job that must run alone. */
export const LOCK_KEYS = {
  migrate: 0x6b64_7701,
  leader: 0x6b64_7702,
  startup: 0x6b64_7703,
} as const;

/** A session-level advisory lock held on its own connection until released or the connection dies. */
export interface Lease {
  /** throws when the connection holding the lock is gone (the lock is then gone too) */
  check(): Promise<void>;
  release(): Promise<void>;
}

export interface DatabaseHandle {
  readonly db: Db;
  readonly driver: "postgres" | "pglite";
  /** LISTEN on a channel; resolves to a function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** pg_try_advisory_lock on a dedicated connection; null when another session holds it. */
  tryLock(key: number): Promise<Lease | null>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** DATABASE_URL: a real PostgreSQL. Unset → embedded PGlite. */
  url?: string | undefined;
  /** KDUMPWATCH_DATA_DIR for PGlite (the data sits in `<dataDir>/pglite`, guarded by a lock file). */
  dataDir?: string | undefined;
  /** PGlite in memory, no lock (tests). */
  memory?: boolean;
  /**
   * With `memory`: start from this data directory (`migrated` of {@link pgliteImages}) instead of
   * an empty one. Tests only: initdb and the migrations cost seconds per open, loading ~1 s. The
   * migrator still runs and finds nothing to apply, so a stale image would be brought up to date.
   */
  pgliteImage?: Blob | undefined;
  /** default: the migrations shipped next to this package (or next to the server bundle) */
  migrationsFolder?: string;
  /** apply pending migrations (default true) */
  migrate?: boolean;
  /** postgres.js pool size (default 10) */
  poolSize?: number;
  /**
   * Seconds to wait for a PostgreSQL connection before the query fails (default 5): while the
   * database is unreachable, requests fail fast with a connection error instead of hanging.
   */
  connectTimeoutSec?: number;
  /** PostgreSQL `statement_timeout` of every pooled session, in ms (default 30000; 0 = none). Migrations are exempt. */
  statementTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_SEC = 5;
const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** `./drizzle` beside the bundle (apps/server/dist) or `../drizzle` beside src/ in the repo. */
export function defaultMigrationsFolder(): string {
  for (const rel of ["./drizzle", "../drizzle"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}/meta/_journal.json`)) return dir;
  }
  throw new Error("database migrations not found (expected a drizzle/ folder beside the server)");
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const folder = options.migrationsFolder ?? defaultMigrationsFolder();
  const runMigrations = options.migrate ?? true;
  if (options.url) {
    return openPostgres(options.url, folder, runMigrations, {
      max: options.poolSize ?? 10,
      connectTimeoutSec: options.connectTimeoutSec ?? DEFAULT_CONNECT_TIMEOUT_SEC,
      statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    });
  }
  return openPglite(options, folder, runMigrations);
}

interface PoolOptions {
  max: number;
  connectTimeoutSec: number;
  statementTimeoutMs: number;
}

async function openPostgres(
  url: string,
  migrationsFolder: string,
  runMigrations: boolean,
  pool: PoolOptions,
): Promise<DatabaseHandle> {
  // postgres.js reconnects by itself after a restart or a terminated backend; the timeouts make a
  // request fail fast (and answer 503) while PostgreSQL is away instead of waiting 30 s per query.
  // Its nextWrite crash on a dropped connection is patched: patches/postgres@3.4.9.patch.
  const client = postgres(url, {
    max: pool.max,
    onnotice: () => {},
    connect_timeout: pool.connectTimeoutSec,
    connection: { statement_timeout: pool.statementTimeoutMs },
  });
  const pgDb = drizzlePg(client, { schema });
  const db: Db = pgDb;
  if (runMigrations) {
    // Two servers starting at once must not both run the migrator (it takes no lock itself). One
    // session of its own holds the lock and runs the migrations, without the pool's
    // statement_timeout: a migration may legitimately run longer than a request may.
    const migrator = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: pool.connectTimeoutSec });
    try {
      await migrator`select pg_advisory_lock(${LOCK_KEYS.migrate})`;
      await migratePg(drizzlePg(migrator, { schema }), { migrationsFolder });
    } catch (err) {
      await client.end({ timeout: 1 });
      throw err;
    } finally {
      await migrator`select pg_advisory_unlock(${LOCK_KEYS.migrate})`.catch(() => {});
      await migrator.end({ timeout: 1 });
    }
  }
  const leases = new Set<Lease>();
  return {
    db,
    driver: "postgres",
    async listen(channel, onPayload) {
      const sub = await client.listen(channel, onPayload);
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async tryLock(key) {
      // A client of its own rather than client.reserve(): postgres.js crashes the process when a
      // reserved connection is terminated under it. This client may reconnect silently, so check()
      // asks PostgreSQL whether *this* session still holds the lock instead of just pinging.
      const conn = postgres(url, {
        max: 1,
        onnotice: () => {},
        idle_timeout: 0,
        connect_timeout: pool.connectTimeoutSec,
        connection: { application_name: "kdumpwatch-lock" },
      });
      const [row] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${key}) as ok`.catch(
        async (err) => {
          await conn.end({ timeout: 1 });
          throw err;
        },
      );
      if (!row?.ok) {
        await conn.end({ timeout: 1 });
        return null;
      }
      let released = false;
      const lease: Lease = {
        async check() {
          const [held] = await conn<{ ok: boolean }[]>`
            select exists (select 1 from pg_locks where locktype = 'advisory' and granted
              and pid = pg_backend_pid() and classid = ${Math.floor(key / 2 ** 32)} and objid = ${key % 2 ** 32}) as ok`;
          if (!held?.ok) throw new Error(`advisory lock ${key} was lost with its connection`);
        },
        async release() {
          if (released) return;
          released = true;
          leases.delete(lease);
          await conn`select pg_advisory_unlock(${key})`.catch(() => {});
          await conn.end({ timeout: 1 });
        },
      };
      leases.add(lease);
      return lease;
    },
    async close() {
      await Promise.all([...leases].map((l) => l.release()));
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * PGlite ships PostgreSQL's contrib extensions as separate bundles, loaded only when listed here;
 * migration 0008 runs `CREATE EXTENSION pg_trgm` (the host search's trigram index), which fails
 * without it.
 */
const PGLITE_OPTIONS: PGliteOptions = { extensions: { pg_trgm } };

async function openPglite(
  options: OpenDatabaseOptions,
  migrationsFolder: string,
  runMigrations: boolean,
): Promise<DatabaseHandle> {
  let lock: DirLock | null = null;
  let pg: PGlite;
  if (options.memory) {
    pg = new PGlite(
      options.pgliteImage ? { ...PGLITE_OPTIONS, loadDataDir: options.pgliteImage } : PGLITE_OPTIONS,
    );
  } else {
    const dir = options.dataDir ?? "./data";
    // PGlite's own mkdir is not recursive (docs/stack.md §6)
    mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
    pg = new PGlite(`${dir}/pglite`, PGLITE_OPTIONS);
  }
  const liteDb = drizzlePglite(pg, { schema });
  const db: Db = liteDb;
  try {
    await pg.waitReady;
    // PGlite has no autovacuum, so nothing empties a GIN index's pending list (each ingest update
    // appends a host's hostname trigrams to hosts_hostname_trgm_idx's) until it reaches this limit,
    // and every search reads through it: at the default 4 MB the planner preferred a scan of all
    // 100,000 hosts (130 ms) to the index (3 ms). 64 kB is the least allowed; on PostgreSQL
    // autovacuum empties the lists and the default stands (a smaller list costs every update more).
    await pg.exec("set gin_pending_list_limit = '64kB'");
    if (runMigrations) await migratePglite(liteDb, { migrationsFolder });
  } catch (err) {
    await pg.close().catch(() => {});
    lock?.release();
    throw err;
  }
  let closed = false;
  return {
    db,
    driver: "pglite",
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return () => unsubscribe();
    },
    async notify(channel, payload) {
      await pg.query("select pg_notify($1, $2)", [channel, payload]);
    },
    // One process owns a PGlite directory (the lock file), so it is always the leader.
    async tryLock() {
      return { async check() {}, async release() {} };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * In-memory PGlite data directories as uncompressed tarballs, from one initdb (testkit builds them
 * once per test run): `migrated`, with every migration applied, is the `pgliteImage` that test
 * databases start from; `initdb` is the same directory before any migration (as initdb left it,
 * opened once), where tests of the migrations themselves start instead of running initdb again.
 */
export async function pgliteImages(
  migrationsFolder = defaultMigrationsFolder(),
): Promise<{ initdb: Blob; migrated: Blob }> {
  const pg = new PGlite(PGLITE_OPTIONS);
  try {
    await pg.waitReady;
    const initdb = await pg.dumpDataDir("none");
    await migratePglite(drizzlePglite(pg, { schema }), { migrationsFolder });
    return { initdb, migrated: await pg.dumpDataDir("none") };
  } finally {
    await pg.close();
  }
}
