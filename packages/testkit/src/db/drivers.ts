import { randomBytes } from "node:crypto";
import { type DatabaseHandle, openDatabase } from "@kdumpwatch/db";
import postgres from "postgres";
import { testPgliteImage } from "./pglite-image.ts";
import { migratedTemplate } from "./postgres-template.ts";

/**
 * Database test drivers (house-style §19): every database test runs on embedded PGlite, and on a
 * real PostgreSQL when KDUMPWATCH_TEST_DATABASE_URL is set (CI sets it). Each opened database is
 * fresh: PGlite in memory, or a new `kdw_<random>` database dropped again by `dispose()`. They live
 * here, not in packages/db, so that no shipped bundle carries them. A PGlite database is loaded from
 * a migrated image (./pglite-image.ts), a PostgreSQL one copied from a migrated template database
 * (./postgres-template.ts), rather than migrated afresh.
 */
export interface TestDatabase extends DatabaseHandle {
  /** close and, for PostgreSQL, drop the database */
  dispose(): Promise<void>;
}

export interface TestDriver {
  readonly name: "pglite" | "postgres";
  open(): Promise<TestDatabase>;
}

export const TEST_DATABASE_URL_VAR = "KDUMPWATCH_TEST_DATABASE_URL";

export interface ScratchDatabase {
  /** URL of the new, empty database */
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a database `kdw_<random>` on the server of `baseUrl`: empty, or a copy of `template`
 * (a database nobody is connected to).
 */
export async function createScratchDatabase(baseUrl: string, template?: string): Promise<ScratchDatabase> {
  const name = `kdw_${randomBytes(6).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

const pgliteDriver: TestDriver = {
  name: "pglite",
  async open() {
    const handle = await openDatabase({ memory: true, pgliteImage: await testPgliteImage() });
    return { ...handle, dispose: () => handle.close() };
  },
};

function postgresDriver(baseUrl: string): TestDriver {
  return {
    name: "postgres",
    async open() {
      const scratch = await createScratchDatabase(baseUrl, await migratedTemplate(baseUrl));
      const handle = await openDatabase({ url: scratch.url, poolSize: 4 });
      return {
        ...handle,
        async dispose() {
          await handle.close();
          await scratch.drop();
        },
      };
    },
  };
}

/** PGlite always; PostgreSQL only when KDUMPWATCH_TEST_DATABASE_URL is set. Use with describe.each. */
export function testDrivers(env: NodeJS.ProcessEnv = process.env): TestDriver[] {
  const url = env[TEST_DATABASE_URL_VAR];
  return url ? [pgliteDriver, postgresDriver(url)] : [pgliteDriver];
}
