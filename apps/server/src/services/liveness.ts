import { hostname } from "node:os";
import { and, eq, gte, hosts, isNull, LOCK_KEYS, lt, serverInstances, sql } from "@kdumpwatch/db";
import type { ServiceContext } from "./context.ts";
import { newId } from "./secrets.ts";

/** How often each process records that it is alive. */
export const BEAT_INTERVAL_MS = 5_000;
/** A gap this long with no live process anywhere counts as an outage. */
export const OUTAGE_AFTER_MS = 3 * BEAT_INTERVAL_MS;

export interface StartReport {
  instanceId: string;
  /** the cluster was down since this moment (null: another process was up, or first start) */
  outageSince: Date | null;
  /** hosts whose stale countdown restarted because of the outage */
  hostsExcused: number;
}

/**
 * Registers this process (product.md §6: a server outage never produces stale hosts). If no
 * process anywhere beat within OUTAGE_AFTER_MS, the cluster was down: every host that was not yet
 * stale when the last beat happened gets its stale countdown restarted, i.e. the downtime does
 * not count and agents get a full stale period plus their reconnect backoff to come back. Runs under an
 * advisory lock so that processes starting together apply it once.
 */
export async function registerInstance(ctx: ServiceContext): Promise<StartReport> {
  const now = ctx.clock.now();
  const instanceId = newId(8);
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEYS.startup})`);
    const [last] = await tx
      .select({ at: sql<Date | null>`max(${serverInstances.beatAt})`.mapWith(serverInstances.beatAt) })
      .from(serverInstances);
    const lastBeat = last?.at ?? null;
    let hostsExcused = 0;
    let outageSince: Date | null = null;
    if (lastBeat && now.getTime() - lastBeat.getTime() > OUTAGE_AFTER_MS) {
      outageSince = lastBeat;
      const notStaleAtOutage = new Date(lastBeat.getTime() - ctx.config.staleAfterSec * 1000);
      const excused = await tx
        .update(hosts)
        // agents back off while the server is away: they get config.reconnectGraceSec on top of a
        // stale period (BENCHMARKS.md, "reconnect storm after a 210 s outage")
        .set({
          staleClockAt: new Date(now.getTime() + ctx.config.reconnectGraceSec * 1000),
          staleSince: null,
        })
        .where(and(gte(hosts.staleClockAt, notStaleAtOutage), lt(hosts.staleClockAt, now)))
        .returning({ id: hosts.id });
      hostsExcused = excused.length;
    }
    await tx
      .delete(serverInstances)
      .where(lt(serverInstances.beatAt, new Date(now.getTime() - 7 * 86_400_000)));
    await tx.insert(serverInstances).values({
      id: instanceId,
      hostname: hostname(),
      pid: process.pid,
      startedAt: now,
      beatAt: now,
    });
    return { instanceId, outageSince, hostsExcused };
  });
}

export async function beat(ctx: ServiceContext, instanceId: string): Promise<void> {
  await ctx.db
    .update(serverInstances)
    .set({ beatAt: ctx.clock.now() })
    .where(and(eq(serverInstances.id, instanceId), isNull(serverInstances.stoppedAt)));
}

/** On graceful shutdown: the last beat is now, so an outage is measured from this moment. */
export async function markStopped(ctx: ServiceContext, instanceId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .update(serverInstances)
    .set({ beatAt: now, stoppedAt: now })
    .where(eq(serverInstances.id, instanceId));
}
