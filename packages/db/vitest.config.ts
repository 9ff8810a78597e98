import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "db",
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // PGlite's WebAssembly compiled by V8's baseline compiler only: test/node-flags.ts says why
    execArgv: ["--liftoff-only"],
  },
});
