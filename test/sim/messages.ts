/** What the simulator's main thread and its worker threads say to each other. */
import type { Credential } from "@kdumpwatch/agent";
import type { Verdict } from "@kdumpwatch/core";
import type { WorkerCounters } from "./probe.ts";
import type { Template } from "./templates.ts";

export interface WorkerInput {
  workerIndex: number;
  /** this worker simulates hosts [first, first + count) of the fleet */
  first: number;
  count: number;
  seed: number;
  templates: Template[];
  mix: Record<Verdict, number>;
  wsUrl: string;
  enrollToken: string;
  changeRate: number;
  churn: number;
  intervalSec: number;
  rampSec: number;
  sourceAddresses: number;
  verbose: boolean;
  /** credentials from a state file, by fleet index - first */
  credentials: (Credential | null)[];
}

export type MainToWorker = { type: "drain"; timeoutMs: number } | { type: "stop" };

export type WorkerToMain =
  | {
      type: "stats";
      workerIndex: number;
      counters: WorkerCounters;
      /** gauges, not reset */
      connected: number;
      everAcked: number;
      changes: number;
      restarts: number;
      logErrors: Record<string, number>;
    }
  | { type: "drained"; workerIndex: number; unsettled: number }
  | {
      type: "stopped";
      workerIndex: number;
      verdicts: Record<Verdict, number>;
      templates: Record<string, number>;
      credentials: (Credential | null)[];
    }
  | { type: "fatal"; workerIndex: number; message: string };
