/**
 * Node flags for the test run's own processes: the Vitest workers of the projects that open PGlite
 * (their `execArgv`: the e2e projects from here; db, testkit and server write the same flags in their
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
 *
 * `--max-semi-space-size=64 --single-threaded-gc`: a young generation of 64 MB instead of 16 (fewer
 * scavenges of the objects a test or a request makes and drops), and a garbage collector that works
 * on the main thread only. On the 2-core machine the suite keeps both cores busy, so V8's parallel
 * and concurrent collector threads only add the cost of their coordination to the same work.
 * Measured on the server, db and testkit projects together (1,005 tests, both drivers, two runs
 * each): 134–141 s of CPU and 93–98 s of wall time → 113–115 s and 80 s. Like a compiler tier, a
 * collector's settings change no result, only when and where memory is reclaimed.
 */
export const testNodeFlags = ["--liftoff-only", "--max-semi-space-size=64", "--single-threaded-gc"];
