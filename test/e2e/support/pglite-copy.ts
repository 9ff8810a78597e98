/**
 * The copy half of ./pglite-template.ts (not a test file): the run's migrated PGlite directory,
 * named in {@link TEMPLATE_VAR} by the e2e projects' globalSetup, copied into a server's empty data
 * directory. Kept apart from the setup, which opens databases: every end-to-end file that starts a
 * server imports this, and importing the database packages with it cost each of them ~0.2 s of CPU.
 */
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";

/** The environment variable that names the migrated `pglite` directory for the test workers. */
export const TEMPLATE_VAR = "KDUMPWATCH_TEST_PGLITE_DATA_DIR";

/**
 * Copies the run's migrated `pglite` directory into `<dataDir>/pglite`; false (nothing copied, the
 * server will run initdb itself) when no template was built for this run or the directory has one.
 */
export function copyTemplateInto(dataDir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const template = env[TEMPLATE_VAR];
  const target = join(dataDir, "pglite");
  if (!template || !existsSync(template) || existsSync(target)) return false;
  cpSync(template, target, { recursive: true });
  return true;
}
