/** What the two end-to-end projects (vitest.config.ts, vitest.alone.config.ts) share. */

export const e2eBase = {
  include: ["e2e/**/*.test.ts", "sim/**/*.test.ts", "repo/**/*.test.ts"],
  testTimeout: 120_000,
  hookTimeout: 180_000,
  // one migrated PGlite data directory per run, copied into each server's empty data dir
  globalSetup: ["e2e/support/pglite-template.ts"],
};

/** The files that run alone (the `e2e-alone` project), and why. */
export const e2eAlone = [
  // measures how many /healthz answers get through while the server judges hostile frames, against a
  // control with judging on the event loop: a second file's load on the 2 cores moves both counts
  "e2e/judge-off-loop.test.ts",
];
