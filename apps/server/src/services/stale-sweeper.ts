import { and, hosts, isNull, lt } from "@kdumpwatch/db";
import { activeHost } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import { staleCutoff, toHostSummary } from "./host-view.ts";

/** More hosts than this going stale in one sweep are announced by the summary alone. */
const MAX_EVENTS_PER_SWEEP = 500;

/**
 * Marks hosts that crossed the stale threshold since the last sweep and announces each once
 * (`host_stale`). Run by one process at a time (the leader); reading `stale` never depends on it,
 * the API computes staleness from `stale_clock_at` directly.
 */
export async function sweepStale(ctx: ServiceContext): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = staleCutoff(now, ctx.config.staleAfterSec);
  const rows = await ctx.db
    .update(hosts)
    .set({ staleSince: now })
    .where(and(isNull(hosts.staleSince), lt(hosts.staleClockAt, cutoff), activeHost()))
    .returning();
  for (const row of rows.slice(0, MAX_EVENTS_PER_SWEEP)) {
    await ctx.hub.publish({ type: "host_stale", host: toHostSummary(row, cutoff) });
  }
  if (rows.length > 0) ctx.log.info({ hosts: rows.length }, "hosts became stale");
  return rows.length;
}
