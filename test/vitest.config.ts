import { defineProject } from "vitest/config";

// End-to-end tests start real processes (server, agents, Chromium): generous timeouts, one file at a time.
export default defineProject({
  test: {
    name: "e2e",
    include: ["e2e/**/*.test.ts", "sim/**/*.test.ts", "repo/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
