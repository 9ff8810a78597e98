/**
 * One migrated PGlite data directory per test run for the servers the end-to-end tests start (not a
 * test file). A server on an empty KDUMPWATCH_DATA_DIR runs initdb and every migration in WASM, several
 * seconds of CPU, and the e2e files start dozens of them. The e2e projects' globalSetup
 * ({@link setup}) builds the directory once, the way the server would (`openDatabase({ dataDir })`
 * with the migrations shipped beside the bundle, `apps/server/dist/drizzle`), and names it in
 * {@link TEMPLATE_VAR}; `ServerProcess.start` copies it (./pglite-copy.ts) into `<dataDir>/pglite` before spawning a
 * server on a data directory that has none. The server is not told: its startup migrator runs as in
 * production and finds nothing to apply. `pglite-template.test.ts` checks that such a server has the
 * same schema and migrations as one that ran initdb itself.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@kdumpwatch/db";
import { seedPgliteDataDir, setupPgliteImage } from "@kdumpwatch/testkit/db";
import { TEMPLATE_VAR } from "./pglite-copy.ts";

export { TEMPLATE_VAR } from "./pglite-copy.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The migrations the server bundle applies at startup (copied beside it by its build). */
export const bundleMigrations = join(repo, "apps/server/dist/drizzle");

/** Builds a migrated data directory in `dataDir` (the PGlite files land in `<dataDir>/pglite`). */
export async function buildMigratedDataDir(dataDir: string): Promise<void> {
  const handle = await openDatabase({ dataDir, migrationsFolder: bundleMigrations });
  await handle.close();
}

/** The migrations the db package ships: what the run's in-memory test image was migrated with. */
const packageMigrations = join(repo, "packages/db/drizzle");

/** One hash over a migrations folder: its files' names and bytes. */
function folderHash(folder: string): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(folder, { recursive: true, encoding: "utf8" }).sort()) {
    const path = join(folder, name);
    if (statSync(path).isFile()) hash.update(`${name}\0`).update(readFileSync(path));
  }
  return hash.digest("hex");
}

/**
 * Vitest globalSetup of the e2e projects: builds the template once per run (a second project's setup
 * in the same run finds it already named and reuses it); the teardown removes it. The template is
 * written out from the run's migrated in-memory test image (testkit's `setupPgliteImage`, the root
 * globalSetup, which this calls: whichever setup runs first builds it) when the server bundle ships
 * exactly the db package's migrations — one initdb and one migration run per test run instead of
 * two, ≈ 5 s of CPU before the first test — and by opening a directory otherwise.
 * `pglite-template.test.ts` compares a server started on the copy with one that ran initdb itself.
 */
export async function setup(): Promise<() => void> {
  const named = process.env[TEMPLATE_VAR];
  if (named && existsSync(named)) return () => {};
  const removeImage = await setupPgliteImage();
  const dir = mkdtempSync(join(tmpdir(), "kdw-e2e-pglite-template-"));
  if (folderHash(bundleMigrations) === folderHash(packageMigrations)) await seedPgliteDataDir(dir);
  else await buildMigratedDataDir(dir);
  process.env[TEMPLATE_VAR] = join(dir, "pglite");
  return () => {
    delete process.env[TEMPLATE_VAR];
    rmSync(dir, { recursive: true, force: true });
    removeImage();
  };
}
