/**
 * `@kdumpwatch/testkit/server`: the server app on a fresh database of each test driver (with a
 * manual clock, an in-process hub and fixed tokens), on a real port when a test needs sockets, and
 * the protocol-level clients that talk to it.
 */

export { criticalChecks } from "./critical-checks.ts";
export {
  ADMIN_TOKEN,
  createHarness,
  FLEET_TOKEN,
  fakeJudge,
  type Harness,
  hello,
  snapshotFrame,
  testDrivers,
} from "./harness.ts";
export { listenHarness, TestAgent } from "./listen.ts";
export { readEvents } from "./sse.ts";
