import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Snapshot } from "@kdumpwatch/core";
import type { Logger } from "../log.ts";
import { type JudgeFn, type PreparedSnapshot, prepareSnapshot } from "./ingest-prepare.ts";

/** Where snapshots are judged: on the event loop, or in worker threads. */
export interface Judging {
  prepare(snapshot: Snapshot, now: Date): Promise<PreparedSnapshot>;
  readonly kind: "inline" | "workers";
  close(): Promise<void>;
}

/** Judging on the event loop (tests with an injected judge, KDUMPWATCH_JUDGE_WORKERS=0). */
export function inlineJudging(judge: JudgeFn): Judging {
  return {
    kind: "inline",
    prepare: async (snapshot, now) => prepareSnapshot(judge, snapshot, now),
    close: async () => {},
  };
}

/** The worker script beside the server bundle (apps/server/build.mjs writes it); null when run from source. */
export function judgeWorkerFile(): string | null {
  const file = fileURLToPath(new URL("./judge-worker.mjs", import.meta.url));
  return existsSync(file) ? file : null;
}

interface Job {
  resolve: (p: PreparedSnapshot) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
}

type Reply =
  | { id: number; ok: true; prepared: PreparedSnapshot }
  | { id: number; ok: false; message: string };

/**
 * Judging off the event loop (issue 12 §3): parsing and judging a snapshot is the one CPU-heavy
 * step of ingest, and a hostile 1 MB frame costs up to a few hundred milliseconds
 * (BENCHMARKS.md, "Parser throughput per MiB"). Done in worker threads, `/healthz`, the API and
 * every other agent's frames go on while it runs. Each job goes to the worker with the fewest
 * jobs waiting; a worker that dies fails its jobs (the agents resend) and is replaced.
 */
export function createJudgePool(options: { file: string; size: number; log: Logger }): Judging {
  const slots: Slot[] = [];
  let nextId = 1;
  let closing = false;

  function spawn(index: number): Slot {
    const worker = new Worker(options.file);
    const slot: Slot = { worker, jobs: new Map() };
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const job = slot.jobs.get(reply.id);
      if (!job) return;
      slot.jobs.delete(reply.id);
      if (reply.ok) job.resolve(reply.prepared);
      else job.reject(new Error(`judging failed: ${reply.message}`));
    });
    const fail = (err: Error) => {
      for (const job of slot.jobs.values()) job.reject(err);
      slot.jobs.clear();
      if (!closing) {
        options.log.error({ err, worker: index }, "judge worker died; starting another");
        slots[index] = spawn(index);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`judge worker exited with code ${code}`)));
    return slot;
  }

  for (let i = 0; i < options.size; i++) slots.push(spawn(i));

  return {
    kind: "workers",
    prepare(snapshot, now) {
      let slot = slots[0] as Slot;
      for (const s of slots) if (s.jobs.size < slot.jobs.size) slot = s;
      const id = nextId++;
      return new Promise<PreparedSnapshot>((resolve, reject) => {
        slot.jobs.set(id, { resolve, reject });
        slot.worker.postMessage({ id, snapshot, now: now.getTime() });
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
