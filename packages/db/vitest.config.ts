import { defineProject } from "vitest/config";
import { testNodeFlags } from "../../vitest.node-flags.ts";

export default defineProject({
  test: {
    name: "db",
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    execArgv: testNodeFlags,
  },
});
