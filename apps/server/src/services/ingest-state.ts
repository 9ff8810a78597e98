import { and, count, eq, hosts, isNotNull } from "@kdumpwatch/db";
import type { IngestFailureReason } from "@kdumpwatch/protocol";
import type { ServiceContext } from "./context.ts";
import { staleCutoff, toHostSummary } from "./host-view.ts";

/**
 * "Evidence not stored" (issue 12 §2): a host whose snapshot could not be stored or judged is
 * marked, from the first failure until a snapshot is stored again, so its last verdict never
 * passes for current. The mark is in the host row (every server process and the alert sweep see
 * it); live listeners hear of both edges.
 */
export async function recordIngestFailure(
  ctx: ServiceContext,
  hostId: string,
  reason: IngestFailureReason,
): Promise<void> {
  const now = ctx.clock.now();
  const [before] = await ctx.db
    .select({ since: hosts.ingestFailingSince, reason: hosts.ingestFailureReason })
    .from(hosts)
    .where(eq(hosts.id, hostId));
  if (!before || (before.since !== null && before.reason === reason)) return;
  const [after] = await ctx.db
    .update(hosts)
    .set({ ingestFailingSince: before.since ?? now, ingestFailureReason: reason })
    .where(eq(hosts.id, hostId))
    .returning();
  if (after)
    await ctx.hub.publish({
      type: "host",
      host: toHostSummary(after, staleCutoff(now, ctx.config.staleAfterSec)),
    });
}

/** A snapshot of the host was stored: the mark goes. */
export async function clearIngestFailure(ctx: ServiceContext, hostId: string): Promise<void> {
  const now = ctx.clock.now();
  const [after] = await ctx.db
    .update(hosts)
    .set({ ingestFailingSince: null, ingestFailureReason: null })
    .where(and(eq(hosts.id, hostId), isNotNull(hosts.ingestFailingSince)))
    .returning();
  if (after)
    await ctx.hub.publish({
      type: "host",
      host: toHostSummary(after, staleCutoff(now, ctx.config.staleAfterSec)),
    });
}

/** Whether the host is marked (read once per agent connection, so a success clears it). */
export async function isIngestFailing(ctx: ServiceContext, hostId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ since: hosts.ingestFailingSince })
    .from(hosts)
    .where(eq(hosts.id, hostId));
  return row?.since != null;
}

/** Hosts carrying the mark (the kdumpwatch_hosts_ingest_failing gauge). */
export async function countIngestFailing(ctx: ServiceContext): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(hosts).where(isNotNull(hosts.ingestFailingSince));
  return Number(row?.n ?? 0);
}
