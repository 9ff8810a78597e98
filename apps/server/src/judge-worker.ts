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
    parentPort?.postMessage({ id: job.id, ok: true, prepared });
  } catch (err) {
    parentPort?.postMessage({
      id: job.id,
      ok: false,
      message: err instanceof Error ? err.message : String(err),
    });
  }
});
