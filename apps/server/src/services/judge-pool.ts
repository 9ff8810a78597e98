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

/** A pool of judge worker threads, and how many are running now. */
export interface JudgePool extends Judging {
  readonly kind: "workers";
  /** worker threads running: none until the first snapshot, at most `size` */
  readonly workers: number;
}

/**
 * Judging off the event loop (issue 12 §3): parsing and judging a snapshot is the one CPU-heavy
 * step of ingest, and a hostile 1 MB frame costs up to a few hundred milliseconds
 * (BENCHMARKS.md, "Parser throughput per MiB"). Done in worker threads, `/healthz`, the API and
 * every other agent's frames go on while it runs.
 *
 * Workers start when there is work for them, not with the server: a job goes to an idle worker, or
 * to a new one while fewer than `size` run, or else to the worker with the fewest jobs waiting. A
 * worker costs about 0.5 s of CPU to start (it loads the judge's modules) and its own heap, which a
 * server that no agent reports to never needs; the first snapshot waits for one start. A worker
 * that dies fails its jobs (the agents resend); the next job starts another in its place.
 */
export function createJudgePool(options: { file: string; size: number; log: Logger }): JudgePool {
  const slots: Slot[] = [];
  let nextId = 1;
  let closing = false;

  function spawn(): Slot {
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
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const job of slot.jobs.values()) job.reject(err);
      slot.jobs.clear();
      const at = slots.indexOf(slot);
      if (at >= 0) slots.splice(at, 1);
      if (!closing) options.log.error({ err }, "judge worker died; the next snapshot starts another");
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`judge worker exited with code ${code}`)));
    slots.push(slot);
    return slot;
  }

  /** An idle worker, else a new one while there is room, else the least busy. */
  function pick(): Slot {
    let least: Slot | undefined;
    for (const s of slots) {
      if (s.jobs.size === 0) return s;
      if (!least || s.jobs.size < least.jobs.size) least = s;
    }
    return least && slots.length >= options.size ? least : spawn();
  }

  return {
    kind: "workers",
    get workers() {
      return slots.length;
    },
    prepare(snapshot, now) {
      if (closing) return Promise.reject(new Error("judging is closed"));
      const slot = pick();
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
