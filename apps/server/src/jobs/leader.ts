import type { Lease } from "@kdumpwatch/db";
import type { Logger } from "../log.ts";
import { every, type Periodic } from "./every.ts";

export interface LeaderJob {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/**
 * One process at a time runs the leader jobs (stale sweeper, and later the alert dispatcher):
 * whoever holds the advisory lock on its own connection (product.md §5). Each round the holder
 * checks that it still has the lock; a process whose connection died steps down, and another
 * one takes over within `checkEveryMs`.
 */
export function startLeaderElection(options: {
  tryLock: () => Promise<Lease | null>;
  jobs: LeaderJob[];
  log: Logger;
  checkEveryMs?: number;
}) {
  const { log, jobs } = options;
  let lease: Lease | null = null;
  let running: Periodic[] = [];

  const stepDown = async () => {
    const old = running;
    running = [];
    await Promise.all(old.map((p) => p.stop()));
    await lease?.release().catch(() => {});
    lease = null;
  };

  const election = every(
    options.checkEveryMs ?? 5000,
    "leader-election",
    log,
    async () => {
      if (lease) {
        try {
          await lease.check();
        } catch (err) {
          log.warn({ err }, "lost the leader lock, stepping down");
          await stepDown();
        }
        return;
      }
      lease = await options.tryLock();
      if (lease) {
        log.info("became leader: running periodic jobs");
        running = jobs.map((j) => every(j.everyMs, j.name, log, j.run, true));
      }
    },
    true,
  );

  return {
    isLeader: () => lease !== null,
    async stop() {
      await election.stop();
      await stepDown();
    },
  };
}
