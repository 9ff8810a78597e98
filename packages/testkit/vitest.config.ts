import { defineProject } from "vitest/config";

// The database tests open PGlite and PostgreSQL databases (seconds each on a busy 2-core machine).
export default defineProject({
  test: { name: "testkit", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 90_000 },
});
