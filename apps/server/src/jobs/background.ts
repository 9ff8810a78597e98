import { type DatabaseHandle, LOCK_KEYS } from "@kdumpwatch/db";
import { purgeExpiredSessions } from "../services/admin-auth.ts";
import type { ServiceContext } from "../services/context.ts";
import { foldFleetCounts } from "../services/fleet-counts.ts";
import { BEAT_INTERVAL_MS, beat, markStopped } from "../services/liveness.ts";
import { runRetention } from "../services/retention.ts";
import { sweepStale } from "../services/stale-sweeper.ts";
import { every } from "./every.ts";
import { type LeaderJob, startLeaderElection } from "./leader.ts";

/**
 * The periodic work of a server process: its liveness beat (every process), and the leader-only
 * jobs (stale sweeper, session purge, plus any `extraLeaderJobs`, e.g. the alert dispatcher).
 */
export function startBackgroundJobs(options: {
  ctx: ServiceContext;
  handle: Pick<DatabaseHandle, "tryLock">;
  instanceId: string;
  extraLeaderJobs?: LeaderJob[];
  sweepEveryMs?: number;
  retentionEveryMs?: number;
}) {
  const { ctx, instanceId } = options;
  const beating = every(BEAT_INTERVAL_MS, "liveness-beat", ctx.log, () => beat(ctx, instanceId));
  const leader = startLeaderElection({
    tryLock: () => options.handle.tryLock(LOCK_KEYS.leader),
    log: ctx.log,
    jobs: [
      {
        name: "stale-sweeper",
        everyMs: options.sweepEveryMs ?? 5000,
        run: async () => {
          await sweepStale(ctx);
        },
      },
      { name: "session-purge", everyMs: 3600_000, run: () => purgeExpiredSessions(ctx) },
      // the summary's read model: deltas appended by the hosts trigger, folded by one process
      { name: "fleet-counts", everyMs: 5000, run: () => foldFleetCounts(ctx) },
      // KDUMPWATCH_RETENTION (services/retention.ts); hourly, so one pass deletes about an hour's worth
      ...(ctx.config.retentionMs === null
        ? []
        : [
            {
              name: "retention",
              everyMs: options.retentionEveryMs ?? 3600_000,
              run: async () => {
                await runRetention(ctx);
              },
            },
          ]),
      ...(options.extraLeaderJobs ?? []),
    ],
  });
  return {
    isLeader: leader.isLeader,
    async stop() {
      await leader.stop();
      await beating.stop();
      await markStopped(ctx, instanceId).catch((err) => ctx.log.warn({ err }, "could not record the stop"));
    },
  };
}
