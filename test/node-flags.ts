/**
 * Node flags for the test run's own processes: the Vitest workers of the projects that open PGlite
 * (their `execArgv`: the e2e projects from here; db, testkit and server write the same flag in their
 * vitest.config.ts, which cannot import this file from outside their TypeScript project) and the
 * server bundles the end-to-end tests start (test/e2e/support/server-process.ts).
 *
 * `--liftoff-only`: V8 compiles WebAssembly with its baseline compiler (Liftoff) and never with its
 * optimising one (TurboFan). Every PGlite instance compiles PostgreSQL's 9 MB module, and V8 then
 * spends more CPU in background threads re-compiling its hot functions than a test's few seconds of
 * queries ever get back: measured on a server start from a migrated data directory, 3.3–3.7 s of
 * CPU over all threads → 2.2 s; over three PGlite-heavy server files (334 tests, both drivers),
 * 60 → 52 s of CPU and 121 → 90 s of wall time. A compiler tier changes no result (the code it
 * compiles is the same), only how fast WebAssembly runs; the shipped server and the benchmarks run
 * without it.
 */
export const testNodeFlags = ["--liftoff-only"];
