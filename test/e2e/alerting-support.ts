/**
 * Support for the alerting end-to-end test and the alert latency benchmark (not a test file): this
 * suite's tokens on top of the shared support layer in ./support/ (server process, webhook
 * receivers, raw protocol v1 agents), and snapshots collected from the repo's capture directories.
 */
import { join } from "node:path";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { collectSnapshot as collectFrom } from "./support/agents.ts";
import { RawAgent as SharedRawAgent } from "./support/raw-agent.ts";
import { capturesDir, ServerProcess as SharedServerProcess } from "./support/server-process.ts";

// what test/bench/alert-latency.ts imports from here
export { waitUntil } from "./support/polling.ts";
export { startReceiver } from "./support/receiver.ts";
export { agentBundle, capturesDir as captures } from "./support/server-process.ts";

const ADMIN = "alerting-e2e-admin-token";
export const ENROLL = "alerting-e2e-enroll-token";

/**
 * The real server bundle with this suite's tokens; `env` adds to (and overrides) its environment.
 * Inhibition is off unless `env` says otherwise: these tests count one notification per failing
 * check (delivery, retries, grouping); test/e2e/alertmanager.test.ts covers inhibition.
 */
export function startServer(env: Record<string, string>): SharedServerProcess {
  return SharedServerProcess.start({
    adminToken: ADMIN,
    enrollToken: ENROLL,
    env: { KDUMPWATCH_ALERT_INHIBIT: "off", ...env },
  });
}

/** `ServerProcess.start(env)`, the name test/bench/alert-latency.ts starts the server by. */
export const ServerProcess = { start: startServer };

/** A raw protocol v1 agent enrolling with this suite's token. */
export class RawAgent extends SharedRawAgent {
  constructor(hostname: string, machineId?: string) {
    super(hostname, {
      enrollToken: ENROLL,
      agentVersion: "alerting-e2e",
      ...(machineId === undefined ? {} : { machineId }),
    });
  }
}

/** The snapshot the real agent collects from test/captures/<capture> (`collect --root`). */
export function collectSnapshot(capture: string): SnapshotPayload {
  return collectFrom(join(capturesDir, capture));
}

/** What GET/POST /api/test/clock answer (apps/server/src/routes/test-clock.ts). */
export interface TestClockState {
  now: string;
  outbox: Array<{ receiver: string; pending: number; oldestAgeSeconds: number }>;
}

/** The environment that puts a server on a stepped test clock, `aheadSeconds` ahead of the system clock. */
export const testClockEnv = (aheadSeconds = 0) => ({
  KDUMPWATCH_TEST_CLOCK: aheadSeconds === 0 ? "stepped" : `stepped+${aheadSeconds}`,
});

/**
 * Moves the server's test clock forward and runs one alert tick at the new time (awaited), instead
 * of sleeping through a hold, a group wait or a stale threshold.
 */
export async function advanceClock(s: SharedServerProcess, seconds: number): Promise<TestClockState> {
  const res = await s.fetch("/api/test/clock", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/test/clock: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as TestClockState;
}

/**
 * Waits until the server holds no undelivered notification for the receiver at `receiverUrl`
 * (every one it has queued was sent and accepted): after that nothing more can reach that receiver
 * unless a new alert change queues it, so "exactly once" can be asserted without sleeping and hoping.
 */
export async function outboxDrained(s: SharedServerProcess, receiverUrl: string, timeoutMs = 30_000) {
  const host = new URL(receiverUrl).host;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await s.api<TestClockState>("/api/test/clock");
    const mine = state.outbox.filter((r) => r.receiver.endsWith(`//${host}`));
    if (mine.length === 0) throw new Error(`no receiver at ${host} in ${JSON.stringify(state.outbox)}`);
    if (mine.every((r) => r.pending === 0)) return state;
    if (Date.now() > until) {
      throw new Error(
        `outbox for ${host} not drained after ${timeoutMs} ms: ${JSON.stringify(state.outbox)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
