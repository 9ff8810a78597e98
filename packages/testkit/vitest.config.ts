import { defineProject } from "vitest/config";
import { testNodeFlags } from "../../vitest.node-flags.ts";

// The database tests open PGlite and PostgreSQL databases (seconds each on a busy 2-core machine).
export default defineProject({
  test: {
    name: "testkit",
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    execArgv: testNodeFlags,
  },
});
