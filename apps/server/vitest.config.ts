import { defineProject } from "vitest/config";

// Database tests open PGlite (initdb ~3 s, more on a busy 2-core machine) and PostgreSQL databases.
// `isolate: false`: a worker imports the server's modules once for all the files it runs instead of
// once per file (most of the project's import time); no file mocks a module or changes process-wide
// state (environment, timers, signal handlers) that another file could see.
export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    isolate: false,
    // PGlite's WebAssembly compiled by V8's baseline compiler only, and a young generation and a
    // garbage collector for a saturated machine: test/node-flags.ts says why
    execArgv: ["--liftoff-only", "--max-semi-space-size=64", "--single-threaded-gc"],
  },
});
