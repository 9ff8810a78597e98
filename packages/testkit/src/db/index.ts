/** `@kdumpwatch/testkit/db`: the database test drivers (PGlite always, PostgreSQL when configured). */

export { CATALOG, catalogPart, rows } from "./catalog.ts";
export type { ScratchDatabase, TestDatabase, TestDriver } from "./drivers.ts";
export { createScratchDatabase, TEST_DATABASE_URL_VAR, testDrivers } from "./drivers.ts";
export { seedPgliteDataDir } from "./pglite-image.ts";
