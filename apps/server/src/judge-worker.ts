/**
 * A judge worker thread (services/judge-pool.ts): snapshots in, prepared judgements out. Bundled
 * as dist/judge-worker.mjs beside the server.
 */
import { parentPort } from "node:worker_threads";
import { judgeSnapshot, type Snapshot } from "@kdumpwatch/core";
import { prepareSnapshot } from "./services/ingest-prepare.ts";

parentPort?.on("message", (job: { id: number; snapshot: Snapshot; now: number }) => {
  try {
    const prepared = prepareSnapshot(judgeSnapshot, job.snapshot, new Date(job.now));
    // as JSON text: a string crosses to the event loop for a fraction of what structured-cloning
    // the nested checks and facts costs (judge-pool.ts), and they are stored as JSON anyway
    parentPort?.postMessage({ id: job.id, ok: true, prepared: JSON.stringify(prepared) });
  } catch (err) {
    parentPort?.postMessage({
      id: job.id,
      ok: false,
      message: err instanceof Error ? err.message : String(err),
    });
  }
});
