import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker (cores − 1), and the suite waits on PGlite,
    // PostgreSQL and child processes as much as it computes: two workers overlap those waits. The
    // e2e files run side by side too, except the few that need the machine to themselves: the
    // `e2e-alone` project (test/vitest.alone.config.ts) has fileParallelism: false, which makes
    // Vitest run its files one at a time in a group of their own, after all the other projects' files;
    // core-alone (packages/core/vitest.alone.config.ts) is there too, for a CPU-time measurement.
    maxWorkers: 2,
    projects: [
      "packages/*",
      "apps/*",
      "test",
      "test/vitest.alone.config.ts",
      "packages/core/vitest.alone.config.ts",
    ],
    // One migrated PGlite data directory for the whole run; test databases load it (testkit/db).
    globalSetup: ["packages/testkit/src/db/global-setup.ts"],
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
  },
});
