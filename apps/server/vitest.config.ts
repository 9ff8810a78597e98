import { defineProject } from "vitest/config";

// Database tests open PGlite (initdb ~3 s, more on a busy 2-core machine) and PostgreSQL databases.
export default defineProject({
  test: { name: "server", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 90_000 },
});
