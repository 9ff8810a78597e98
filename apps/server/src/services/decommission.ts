/**
 * Decommissioning hosts (docs/security.md "Identity and lifecycle", docs/operations.md): in one
 * transaction per host, the host is marked, its credential revoked and its open alerts resolved;
 * after the commit its live event tells every server process to close the host's agent socket
 * (ws/gateway.ts), whose next hello is refused with close code 4410. The record and its history
 * stay, out of every list, count and alert (services/active-hosts.ts), until retention deletes it.
 */
import { and, eq, hostCredentials, hosts, inArray, isNull, type Tx } from "@kdumpwatch/db";
import type { BulkDecommission, DecommissionResult, HostSummary } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import type { ServiceContext } from "./context.ts";
import { fixGroupHosts } from "./fix-groups.ts";
import { hostSummary } from "./hosts.ts";
import { publishHost } from "./publish.ts";

/** ids read per query: well under PostgreSQL's 65,535 parameters */
const CHUNK = 500;

/** Marks one host decommissioned inside `tx`; false when it already was (or does not exist). */
export async function decommissionInTx(
  ctx: ServiceContext,
  tx: Tx,
  hostId: string,
  now: Date,
): Promise<boolean> {
  const [row] = await tx
    .update(hosts)
    .set({ decommissionedAt: now })
    .where(and(eq(hosts.id, hostId), isNull(hosts.decommissionedAt)))
    .returning({ id: hosts.id });
  if (!row) return false;
  await tx
    .update(hostCredentials)
    .set({ revokedAt: now })
    .where(and(eq(hostCredentials.hostId, hostId), isNull(hostCredentials.revokedAt)));
  if (ctx.alerting) await ctx.alerting.closeHost(tx, hostId);
  return true;
}

export async function decommissionHost(ctx: ServiceContext, hostId: string): Promise<HostSummary> {
  const result = await decommissionHosts(ctx, { ids: [hostId] });
  if (result.unknownHostIds.length > 0) throw new AppError("not_found", "no such host");
  return hostSummary(ctx, hostId);
}

/** Many hosts, by ids or a fix group: each in its own short transaction (no long lock on the fleet). */
export async function decommissionHosts(
  ctx: ServiceContext,
  input: BulkDecommission,
): Promise<DecommissionResult> {
  let wanted: string[];
  if (input.group !== undefined) {
    wanted = (await fixGroupHosts(ctx, input.group)).map((h) => h.id);
  } else {
    wanted = [...new Set(input.ids ?? [])];
  }
  const existing = new Map<string, Date | null>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const rows = await ctx.db
      .select({ id: hosts.id, at: hosts.decommissionedAt })
      .from(hosts)
      .where(inArray(hosts.id, wanted.slice(i, i + CHUNK)));
    for (const r of rows) existing.set(r.id, r.at);
  }
  const result: DecommissionResult = { decommissioned: [], alreadyDecommissioned: [], unknownHostIds: [] };
  for (const id of wanted) {
    if (!existing.has(id)) {
      result.unknownHostIds.push(id);
      continue;
    }
    const now = ctx.clock.now();
    const done = await ctx.db.transaction((tx) => decommissionInTx(ctx, tx, id, now));
    (done ? result.decommissioned : result.alreadyDecommissioned).push(id);
    if (done) await publishHost(ctx, id);
  }
  if (result.decommissioned.length > 0) {
    ctx.log.info(
      { hosts: result.decommissioned.length, ids: result.decommissioned.slice(0, 20) },
      "hosts decommissioned",
    );
  }
  return result;
}
