import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "test"],
    // One migrated PGlite data directory for the whole run; test databases load it (testkit/db).
    globalSetup: ["packages/testkit/src/db/global-setup.ts"],
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
  },
});
