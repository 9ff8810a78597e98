/**
 * Suspected duplicates (docs/security.md "Identity and lifecycle"): an enrollment that presented an
 * enrolled machine-id without that host's enroll key got a record of its own, `duplicate_of` the
 * original. An admin decides:
 *   - merge: it is that host again (reinstalled, state directory lost). The duplicate's agent takes
 *     over the original record: its credential and enroll key move there (the original's credential
 *     is revoked), its snapshots and transitions follow, its latest judgement becomes the
 *     original's; the duplicate record is decommissioned. The agent learns the new host id on its
 *     next hello (services/enrollment.ts reconnect).
 *   - reject: it is not trusted: the duplicate record is decommissioned, its credential revoked.
 */
import { eq, hostCredentials, hostReports, hosts, snapshots, type Tx, transitions } from "@kdumpwatch/db";
import type { DuplicateAction, DuplicateResolved } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import type { ServiceContext } from "./context.ts";
import { decommissionInTx } from "./decommission.ts";
import type { HostRow } from "./host-view.ts";
import { hostSummary } from "./hosts.ts";
import { publishHost } from "./publish.ts";

export async function resolveDuplicate(
  ctx: ServiceContext,
  duplicateId: string,
  action: DuplicateAction,
): Promise<DuplicateResolved> {
  const now = ctx.clock.now();
  const originalId = await ctx.db.transaction(async (tx) => {
    const [dup] = await tx.select().from(hosts).where(eq(hosts.id, duplicateId)).for("update");
    if (!dup) throw new AppError("not_found", "no such host");
    if (dup.duplicateOf === null) throw new AppError("conflict", "this host is not a suspected duplicate");
    if (dup.decommissionedAt !== null) throw new AppError("conflict", "this host is already decommissioned");
    const [original] = await tx.select().from(hosts).where(eq(hosts.id, dup.duplicateOf)).for("update");
    if (action === "reject") {
      await decommissionInTx(ctx, tx, dup.id, now);
      return dup.duplicateOf;
    }
    if (!original || original.decommissionedAt !== null) {
      throw new AppError("conflict", "the host this one duplicates is gone: there is nothing to merge into");
    }
    await merge(ctx, tx, dup, original, now);
    return original.id;
  });
  ctx.log.info(
    { duplicateId, originalId, action },
    `suspected duplicate ${action === "merge" ? "merged" : "rejected"}`,
  );
  await publishHost(ctx, duplicateId);
  if (action === "merge") await publishHost(ctx, originalId);
  return { action, host: await hostSummary(ctx, action === "merge" ? originalId : duplicateId) };
}

async function merge(ctx: ServiceContext, tx: Tx, dup: HostRow, original: HostRow, now: Date): Promise<void> {
  // the original's credential is revoked by being replaced with the duplicate's
  await tx.delete(hostCredentials).where(eq(hostCredentials.hostId, original.id));
  await tx.update(hostCredentials).set({ hostId: original.id }).where(eq(hostCredentials.hostId, dup.id));
  await tx.update(snapshots).set({ hostId: original.id }).where(eq(snapshots.hostId, dup.id));
  await tx.update(transitions).set({ hostId: original.id }).where(eq(transitions.hostId, dup.id));
  const agent = {
    hostname: dup.hostname,
    agentVersion: dup.agentVersion,
    remoteAddress: dup.remoteAddress,
    enrollKeyHash: dup.enrollKeyHash,
    agentLabels: dup.agentLabels,
    labels: { ...dup.agentLabels, ...original.apiLabels },
    lastSeenAt: new Date(Math.max(dup.lastSeenAt.getTime(), original.lastSeenAt.getTime())),
  };
  const judged = dup.judgementHash !== null;
  const [after] = await tx
    .update(hosts)
    .set(
      judged
        ? {
            ...agent,
            verdict: dup.verdict,
            failing: dup.failing,
            os: dup.os,
            kernel: dup.kernel,
            ramBytes: dup.ramBytes,
            crashkernel: dup.crashkernel,
            reservedBytes: dup.reservedBytes,
            verdictSince: dup.verdictSince,
            staleClockAt: dup.staleClockAt,
            staleSince: dup.staleSince,
            contentHash: dup.contentHash,
            judgementHash: dup.judgementHash,
            latestSnapshotId: dup.latestSnapshotId,
          }
        : agent,
    )
    .where(eq(hosts.id, original.id))
    .returning();
  const [report] = judged ? await tx.select().from(hostReports).where(eq(hostReports.hostId, dup.id)) : [];
  if (report) {
    const values = {
      snapshotId: report.snapshotId,
      judgedAt: report.judgedAt,
      checks: report.checks,
      facts: report.facts,
    };
    await tx
      .insert(hostReports)
      .values({ hostId: original.id, ...values })
      .onConflictDoUpdate({ target: hostReports.hostId, set: values });
  }
  // the duplicate record is done: decommissioned (its alerts resolve), its key gone with its agent
  await tx.update(hosts).set({ enrollKeyHash: null }).where(eq(hosts.id, dup.id));
  await decommissionInTx(ctx, tx, dup.id, now);
  // the original's alerts follow the judgement it now carries
  if (after && report && ctx.alerting) {
    await ctx.alerting.onHostJudged(tx, after, {
      checks: report.checks,
      facts: report.facts,
    });
  }
}
