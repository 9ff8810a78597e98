import {
  type ByteCount,
  type CheckResult,
  CRITICAL_CHECKS,
  type HostFacts,
  isByteCount,
  type Snapshot,
  type Verdict,
} from "@kdumpwatch/core";
import { and, eq, hostReports, hosts, snapshots, transitions } from "@kdumpwatch/db";
import { canonicalJson, type SnapshotMessage } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import { activeHost } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import { type HostRow, staleCutoff, toHostSummary } from "./host-view.ts";
import { sha256Hex } from "./secrets.ts";

/** core's judgeSnapshot (packages/core/src/judge.ts): raw snapshot in, verdict, checks and facts out. */
export type JudgeFn = (
  snapshot: Snapshot,
  now: Date,
) => { verdict: Verdict; checks: CheckResult[]; facts: HostFacts };

export interface IngestResult {
  verdict: Verdict;
  /** a new snapshot row was written (content hash changed) */
  stored: boolean;
  /** a transition row was written (verdict or failing set changed) */
  transition: boolean;
}

/**
 * Checks that make a host not ready or at risk: fail or warn, and unknown on a critical check
 * (that is what makes the verdict unknown). In catalogue order, as core returns them.
 */
export function failingChecks(checks: readonly CheckResult[]): string[] {
  return checks
    .filter(
      (c) =>
        c.status === "fail" || c.status === "warn" || (c.status === "unknown" && CRITICAL_CHECKS.has(c.id)),
    )
    .map((c) => c.id);
}

export interface ListingFacts {
  os: string | null;
  kernel: string | null;
  ramBytes: ByteCount | null;
  crashkernel: string | null;
  reservedBytes: ByteCount | null;
}

/** The denormalised columns of `hosts`, read defensively from core's facts. */
export function listingFacts(facts: HostFacts | undefined): ListingFacts {
  const bytes = (v: unknown): ByteCount | null => (isByteCount(v) ? v : null);
  const os = facts?.identity?.os;
  const versioned = [os?.id, os?.versionId].filter(Boolean).join(" ");
  return {
    os: os?.prettyName ?? (versioned || null),
    kernel: facts?.identity?.kernelRelease ?? null,
    ramBytes: bytes(facts?.memory?.systemRamBytes),
    crashkernel: facts?.crashkernel?.effective ?? null,
    reservedBytes: bytes(facts?.reservation?.bytes),
  };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Ingest of one snapshot (product.md §5): judge, then one transaction that updates the host, adds a
 * snapshot row only when the content hash changed and a transition row only when the verdict or the
 * failing set changed. Live listeners hear about it after the commit; the caller acks after this
 * resolves.
 */
export async function ingestSnapshot(
  ctx: ServiceContext,
  judge: JudgeFn,
  hostId: string,
  message: SnapshotMessage,
): Promise<IngestResult> {
  const now = ctx.clock.now();
  // the wire schema keeps unknown source names; core reads the ones it knows
  const snapshot = message.snapshot as Snapshot;
  const judgement = judge(snapshot, now);
  const failing = failingChecks(judgement.checks);
  const contentHash = sha256Hex(canonicalJson(message.snapshot.sources));
  const { collectedAt: _changesEveryTime, ...stableFacts } = judgement.facts;
  const judgementHash = sha256Hex(canonicalJson({ checks: judgement.checks, facts: stableFacts }));
  const listing = listingFacts(judgement.facts);

  // Fast path, the common case: same evidence and same judgement as last time. Only last-seen
  // moves, in one statement; anything else falls through to the full transaction.
  const [touched] = await ctx.db
    .update(hosts)
    .set({ lastSeenAt: now, staleClockAt: now })
    .where(
      and(
        eq(hosts.id, hostId),
        eq(hosts.contentHash, contentHash),
        eq(hosts.judgementHash, judgementHash),
        eq(hosts.verdict, judgement.verdict),
        activeHost(),
      ),
    )
    .returning({ staleSince: hosts.staleSince });
  if (touched) {
    if (touched.staleSince !== null) await clearStale(ctx, hostId, now);
    return { verdict: judgement.verdict, stored: false, transition: false };
  }

  const outcome = await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(hosts).where(eq(hosts.id, hostId)).for("update");
    if (!before) throw new AppError("not_found", "host no longer enrolled");
    if (before.decommissionedAt !== null) throw decommissionedError();
    let snapshotId = before.latestSnapshotId;
    const stored = before.contentHash !== contentHash;
    if (stored) {
      const [row] = await tx
        .insert(snapshots)
        .values({
          hostId,
          hash: contentHash,
          collectedAt: message.snapshot.collectedAt,
          receivedAt: now,
          verdict: judgement.verdict,
          sources: message.snapshot.sources,
        })
        .returning({ id: snapshots.id });
      snapshotId = row?.id ?? null;
    }
    const firstJudgement = before.judgementHash === null;
    const verdictChanged = firstJudgement || before.verdict !== judgement.verdict;
    const transition = verdictChanged || !sameList(before.failing, failing);
    if (transition) {
      await tx.insert(transitions).values({
        hostId,
        at: now,
        fromVerdict: firstJudgement ? null : before.verdict,
        toVerdict: judgement.verdict,
        failing,
        snapshotId,
      });
    }
    if (before.judgementHash !== judgementHash) {
      const report = { snapshotId, judgedAt: now, checks: judgement.checks, facts: judgement.facts };
      await tx
        .insert(hostReports)
        .values({ hostId, ...report })
        .onConflictDoUpdate({ target: hostReports.hostId, set: report });
    }
    const [after] = await tx
      .update(hosts)
      .set({
        verdict: judgement.verdict,
        failing,
        ...listing,
        lastSeenAt: now,
        staleClockAt: now,
        staleSince: null,
        verdictSince: verdictChanged ? now : before.verdictSince,
        contentHash,
        judgementHash,
        latestSnapshotId: snapshotId,
      })
      .where(eq(hosts.id, hostId))
      .returning();
    // alerting (product.md §6): alert changes and their notifications commit with this report
    if (after && ctx.alerting) await ctx.alerting.onHostJudged(tx, after, judgement);
    return { before, after, stored, transition };
  });

  const { before, after } = outcome;
  if (after && (outcome.transition || before.staleSince !== null || listingChanged(before, after))) {
    await ctx.hub.publish({
      type: "host",
      host: toHostSummary(after, staleCutoff(now, ctx.config.staleAfterSec)),
    });
  }
  return { verdict: judgement.verdict, stored: outcome.stored, transition: outcome.transition };
}

function listingChanged(a: HostRow, b: HostRow): boolean {
  return (
    a.os !== b.os ||
    a.kernel !== b.kernel ||
    a.ramBytes !== b.ramBytes ||
    a.crashkernel !== b.crashkernel ||
    a.reservedBytes !== b.reservedBytes ||
    a.hostname !== b.hostname
  );
}

/** A heartbeat: the host is alive; only last-seen moves (and a stale host stops being stale). */
export async function recordHeartbeat(ctx: ServiceContext, hostId: string): Promise<void> {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .update(hosts)
    .set({ lastSeenAt: now, staleClockAt: now })
    .where(and(eq(hosts.id, hostId), activeHost()))
    .returning({ staleSince: hosts.staleSince });
  if (!row) {
    const [gone] = await ctx.db
      .select({ at: hosts.decommissionedAt })
      .from(hosts)
      .where(eq(hosts.id, hostId));
    throw gone ? decommissionedError() : new AppError("not_found", "host no longer enrolled");
  }
  if (row.staleSince !== null) await clearStale(ctx, hostId, now);
}

/** A stale host reported again: clear the mark and tell live listeners. */
async function clearStale(ctx: ServiceContext, hostId: string, now: Date): Promise<void> {
  const [after] = await ctx.db
    .update(hosts)
    .set({ staleSince: null })
    .where(eq(hosts.id, hostId))
    .returning();
  if (after) {
    await ctx.hub.publish({
      type: "host",
      host: toHostSummary(after, staleCutoff(now, ctx.config.staleAfterSec)),
    });
  }
}

/** A decommissioned host's agent is told so and closed with 4410 (ws/agent-connection.ts). */
export function decommissionedError(): AppError {
  return new AppError("conflict", "this host was decommissioned");
}
