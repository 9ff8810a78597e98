/**
 * The benchmarks' own PostgreSQL database on the shared server at 127.0.0.1:5432 (never anyone
 * else's): dropped and created fresh for each scenario that needs an empty one.
 */
import { openDatabase, sql } from "@kdumpwatch/db";

const PG_HOST_URL = process.env.KDUMPWATCH_BENCH_PG ?? "postgres://postgres@127.0.0.1:5432";
export const BENCH_DATABASE = "kdw_perf";

export function databaseUrl(name = BENCH_DATABASE): string {
  return `${PG_HOST_URL}/${name}`;
}

async function withAdmin<T>(work: (run: (query: string) => Promise<unknown>) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ url: databaseUrl("postgres"), migrate: false, poolSize: 1 });
  try {
    return await work((query) => handle.db.execute(sql.raw(query)));
  } finally {
    await handle.close();
  }
}

/** Drops (forcing out any session) and creates the database; returns its URL. */
export async function recreateDatabase(name = BENCH_DATABASE): Promise<string> {
  if (!/^kdw_perf[a-z0-9_]*$/.test(name))
    throw new Error(`refusing to recreate ${name}: not a benchmark database`);
  await withAdmin(async (run) => {
    await run(`drop database if exists ${name} with (force)`);
    await run(`create database ${name}`);
  });
  return databaseUrl(name);
}

export async function dropDatabase(name = BENCH_DATABASE): Promise<void> {
  if (!/^kdw_perf[a-z0-9_]*$/.test(name))
    throw new Error(`refusing to drop ${name}: not a benchmark database`);
  await withAdmin(async (run) => {
    await run(`drop database if exists ${name} with (force)`);
  });
}

/** "PostgreSQL 15.20 (Debian …)" and the settings that matter for write throughput. */
export async function describePostgres(): Promise<{
  version: string;
  settings: Record<string, string>;
} | null> {
  try {
    return await withAdmin(async (run) => {
      const rows = (await run(
        `select name, setting, unit from pg_settings where name in ('shared_buffers','synchronous_commit','fsync','max_connections','wal_level','commit_delay','max_wal_size','work_mem')`,
      )) as unknown;
      const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
        name: string;
        setting: string;
        unit: string | null;
      }[];
      const version = (await run("select version() as v")) as unknown;
      const v = (Array.isArray(version) ? version : (version as { rows: { v: string }[] }).rows)[0] as {
        v: string;
      };
      const settings: Record<string, string> = {};
      for (const r of list) settings[r.name] = r.unit ? `${r.setting} ${r.unit}` : r.setting;
      return { version: v.v, settings };
    });
  } catch {
    return null;
  }
}
