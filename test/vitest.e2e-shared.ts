import { testNodeFlags } from "./node-flags.ts";

/** What the two end-to-end projects (vitest.config.ts, vitest.alone.config.ts) share. */

export const e2eBase = {
  include: ["e2e/**/*.test.ts", "sim/**/*.test.ts", "repo/**/*.test.ts"],
  testTimeout: 120_000,
  hookTimeout: 180_000,
  // one migrated PGlite data directory per run, copied into each server's empty data dir
  globalSetup: ["e2e/support/pglite-template.ts"],
  execArgv: testNodeFlags,
  // expect.poll waits for a real server, agent or Chromium page: Vitest's default of 1 s is less than
  // a page reload plus three history requests took in one clean-clone CI run (stop 24: the chart's
  // data-from was still the page's own clock when the poll gave up). A poll that holds returns at
  // once, so this costs nothing unless a test fails; a test that needs longer still says so.
  expect: { poll: { timeout: 10_000 } },
};

/** The files that run alone (the `e2e-alone` project), and why. */
export const e2eAlone = [
  // measures how many /healthz answers get through while the server judges hostile frames, against a
  // control with judging on the event loop: a second file's load on the 2 cores moves both counts
  "e2e/judge-off-loop.test.ts",
  // plants throwaway files with forbidden imports under apps/*/src and packages/*/src for Biome to
  // refuse: while they exist, the files that read those trees (repo/server-layering.test.ts, the
  // agent's runtime audit, the scan in this very file) would see them
  "repo/testkit-imports.test.ts",
  // 240 simulated agents connect to one server at once and must all be acknowledged within the run:
  // the server drops a handshake it has not finished in time, and with a second file on the 2 cores
  // 128 of them were dropped (seen once, load 7–18)
  "sim/sim.test.ts",
  // not here any more: e2e/dashboard-views.test.ts. Its chart test ran out of time once beside
  // another file (a clean-clone CI run) and once in a one-at-a-time run: the mouse, left resting on
  // the chart after the hover check, owned uPlot's cursor, so a live redraw between the arrow keys
  // and the read could undo the keys' choice. The mouse now leaves the chart first and the keys are
  // pressed again on each poll; it passed beside busy loops on both cores and beside
  // dashboard.test.ts ("Chromium in the dashboard files", docs/testing.md)
];
