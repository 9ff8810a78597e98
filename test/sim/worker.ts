/** Worker thread entry: runs one slice of the fleet and talks to main.ts by messages. */
import { parentPort, workerData } from "node:worker_threads";
import type { MainToWorker, WorkerInput, WorkerToMain } from "./messages.ts";
import { FleetSlice } from "./slice.ts";

const REPORT_EVERY_MS = 1000;
const input = workerData as WorkerInput;
const port = parentPort;
if (port === null) throw new Error("worker.ts runs as a worker thread of sim/main.ts");
const post = (message: WorkerToMain) => port.postMessage(message);

try {
  const slice = new FleetSlice(input);
  const reporter = setInterval(
    () => post({ type: "stats", workerIndex: input.workerIndex, ...slice.report() }),
    REPORT_EVERY_MS,
  );
  port.on("message", (message: MainToWorker) => {
    if (message.type === "drain") {
      void slice.drain(message.timeoutMs).then((unsettled) => {
        // fresh counters first: main reads the run's totals as soon as every worker has drained
        post({ type: "stats", workerIndex: input.workerIndex, ...slice.report() });
        post({ type: "drained", workerIndex: input.workerIndex, unsettled });
      });
    } else if (message.type === "stop") {
      void slice.stop().then((result) => {
        clearInterval(reporter);
        post({ type: "stats", workerIndex: input.workerIndex, ...slice.report() });
        post({ type: "stopped", workerIndex: input.workerIndex, ...result });
      });
    }
  });
  slice.start();
} catch (err) {
  post({
    type: "fatal",
    workerIndex: input.workerIndex,
    message: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
}
