/**
 * `@kdumpwatch/testkit/agent`: the agent client on a fake clock and a fake network, for the
 * client's tests. Nothing here touches real time or the network.
 */
export {
  evidence,
  type Harness,
  type HarnessOptions,
  type LogEntry,
  openAndWelcome,
  settle,
  startHarness,
  untilNextSocket,
} from "./client-harness.ts";
export { createFakeNetwork, FakeClock, FakeSocket, seededRandom } from "./fakes.ts";
