import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker (cores − 1), and the suite waits on PGlite,
    // PostgreSQL and child processes as much as it computes: two workers overlap those waits. The
    // e2e project keeps its files one at a time (fileParallelism: false puts them in a group of
    // their own, run after the others with one worker).
    maxWorkers: 2,
    projects: ["packages/*", "apps/*", "test"],
    // One migrated PGlite data directory for the whole run; test databases load it (testkit/db).
    globalSetup: ["packages/testkit/src/db/global-setup.ts"],
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
  },
});
