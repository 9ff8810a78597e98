import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "db",
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // PGlite's WebAssembly compiled by V8's baseline compiler only, and a young generation and a
    // garbage collector for a saturated machine: test/node-flags.ts says why
    execArgv: ["--liftoff-only", "--max-semi-space-size=64", "--single-threaded-gc"],
  },
});
