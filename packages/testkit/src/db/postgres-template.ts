import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultMigrationsFolder, openDatabase } from "@kdumpwatch/db";
import postgres from "postgres";

/**
 * Every PostgreSQL test database is created from one migrated template database instead of being
 * migrated afresh (all the migrations cost ~1 s per open on the 2-core machine; a copy of the
 * template ~0.1 s). The template is named after a hash of the migrations folder, `kdw_tpl_<hash>`,
 * so a changed migration gets a template of its own and two checkouts with different migrations
 * share a server without meeting. It is built lock-free: each process that finds none migrates a
 * database of its own and renames it to the template's name; a process that loses the race (the
 * name exists by then) drops its copy. Nothing connects to the template once it has its name
 * (PostgreSQL refuses to copy a database someone is connected to). It stays on the server for the
 * next run; the migrator still runs on every copy and finds nothing to apply.
 */
export async function migratedTemplate(
  baseUrl: string,
  migrationsFolder = defaultMigrationsFolder(),
): Promise<string> {
  const key = `${baseUrl}\0${migrationsFolder}`;
  let name = templates.get(key);
  if (!name) {
    name = buildTemplate(baseUrl, migrationsFolder);
    templates.set(key, name);
    name.catch(() => templates.delete(key));
  }
  return name;
}

const templates = new Map<string, Promise<string>>();

/** sha256 over every file of the migrations folder (SQL, journal, snapshots), by relative path. */
function migrationsHash(folder: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${rel}${entry.name}/`);
      else hash.update(`${rel}${entry.name}\0`).update(readFileSync(path)).update("\0");
    }
  };
  walk(folder, "");
  return hash.digest("hex").slice(0, 16);
}

async function buildTemplate(baseUrl: string, migrationsFolder: string): Promise<string> {
  const name = `kdw_tpl_${migrationsHash(migrationsFolder)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = async () => (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
    if (await exists()) return name;
    const build = `kdw_tplb_${randomBytes(6).toString("hex")}`;
    await admin.unsafe(`create database ${build}`);
    try {
      const url = new URL(baseUrl);
      url.pathname = `/${build}`;
      const handle = await openDatabase({ url: url.toString(), poolSize: 1, migrationsFolder });
      await handle.close();
      // the migrator's sessions may still be ending on the server: renaming waits for them
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.unsafe(`alter database ${build} rename to ${name}`);
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== "55006" || attempt >= 50) throw err;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } catch (err) {
      await admin.unsafe(`drop database if exists ${build} with (force)`);
      // another process named its copy first: that one is the template
      if (await exists()) return name;
      throw err;
    }
    return name;
  } finally {
    await admin.end({ timeout: 5 });
  }
}
