import { defineConfig } from "vitest/config";
import LongestFirstSequencer from "./scripts/vitest-sequencer.ts";

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker (cores − 1). The suite waits on PGlite,
    // PostgreSQL, Chromium, child processes and retry hints as much as it computes: with two workers
    // a quarter of the 2 cores sat idle over a run (vmstat), with three 7 % did, and the run took
    // 323 s instead of 351 s (docs/testing.md, "Three workers"). The e2e files run side by side too,
    // except the few that need the machine to themselves: the `e2e-alone` project
    // (test/vitest.alone.config.ts) has fileParallelism: false, which makes Vitest run its files one
    // at a time in a group of their own, after all the other projects' files. Before them, in a
    // group of its own too (`sequence.groupOrder: 1`), core-alone (packages/core/vitest.alone.config.ts)
    // runs its two CPU-time measurements side by side, one per core.
    maxWorkers: 3,
    projects: [
      "packages/*",
      "apps/*",
      "test",
      "test/vitest.alone.config.ts",
      "packages/core/vitest.alone.config.ts",
    ],
    // One migrated PGlite data directory for the whole run; test databases load it (testkit/db).
    globalSetup: ["packages/testkit/src/db/global-setup.ts"],
    // the project with the most work first, each project's longest files first (scripts/vitest-sequencer.ts)
    sequence: { sequencer: LongestFirstSequencer },
    reporters: ["default", "./scripts/vitest-summary-reporter.ts", "./scripts/vitest-durations-reporter.ts"],
  },
});
