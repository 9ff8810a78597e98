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
