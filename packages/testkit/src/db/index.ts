/** `@kdumpwatch/testkit/db`: the database test drivers (PGlite always, PostgreSQL when configured). */

export { CATALOG, catalogPart, rows } from "./catalog.ts";
export type { ScratchDatabase, TestDatabase, TestDriver } from "./drivers.ts";
export { createScratchDatabase, TEST_DATABASE_URL_VAR, testDrivers } from "./drivers.ts";
export { PGLITE_IMAGE_VAR, seedPgliteDataDir, setupPgliteImage } from "./pglite-image.ts";
