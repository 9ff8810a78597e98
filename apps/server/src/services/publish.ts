import type { ServiceContext } from "./context.ts";
import { hostSummary } from "./hosts.ts";

/** Publishes the current view of a host (after a commit). */
export async function publishHost(
  ctx: ServiceContext,
  hostId: string,
  type: "host" | "host_stale" = "host",
): Promise<void> {
  try {
    const host = await hostSummary(ctx, hostId);
    await ctx.hub.publish({ type, host });
  } catch (err) {
    ctx.log.warn({ err, hostId }, "host event not published");
  }
}
