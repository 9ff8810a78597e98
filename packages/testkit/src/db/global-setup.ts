/**
 * Vitest globalSetup (the root vitest.config.ts): builds the migrated PGlite image once per run,
 * for every project's database tests (./pglite-image.ts).
 */
export { setupPgliteImage as setup } from "./pglite-image.ts";
