import type { Snapshot } from "@kdumpwatch/core";
import type { SnapshotMessage } from "@kdumpwatch/protocol";
import type { ServiceContext } from "./context.ts";
import type { HostRow } from "./host-view.ts";
import { createIngestBatcher, type IngestResult } from "./ingest-batch.ts";
import type { Judging } from "./judge-pool.ts";
import { createLastSeen } from "./last-seen.ts";

export { failingChecks, type JudgeFn, listingFacts } from "./ingest-prepare.ts";

interface Stored {
  contentHash: string | null;
  judgementHash: string | null;
  verdict: string;
}

export interface Ingest {
  /** one snapshot (product.md §5); resolves after its transaction committed (then the agent is acked) */
  ingest(hostId: string, message: SnapshotMessage): Promise<IngestResult>;
  /** a heartbeat: the host is alive; remembered and written with the next last-seen flush */
  heartbeat(hostId: string): void;
  /** the host authenticated on a new socket: drop what this process remembers about it */
  forget(hostId: string): void;
  /** writes pending last-seen times now (tests, shutdown) */
  flush(): Promise<void>;
  /** group-commit transactions so far and the snapshots they held */
  readonly stats: { batches: number; snapshots: number };
  start(): void;
  /** lets queued snapshots commit, then writes the last-seen times */
  close(): Promise<void>;
}

/**
 * Ingest (product.md §5, issue 13): judge (judge-pool.ts, off the event loop), then
 *   - the same evidence and judgement as this process last stored for the host: no row is touched,
 *     last-seen is remembered and flushed with everybody else's (last-seen.ts);
 *   - anything else: group commit (ingest-batch.ts), the host row, a snapshot row when the content
 *     hash changed, a transition row when the verdict or failing set changed, the report when the
 *     judgement changed, alerting, all in the batch's transaction; acked after it commits.
 * What this process stored is remembered per host until the host says hello again, so a host that
 * moved to another process and back is compared with the database, never with an old memory.
 */
export function createIngest(ctx: ServiceContext, judging: Judging): Ingest {
  const stored = new Map<string, Stored>();
  const lastSeen = createLastSeen(ctx);
  const batcher = createIngestBatcher(ctx, {
    onCommitted: (row: HostRow) =>
      stored.set(row.id, {
        contentHash: row.contentHash,
        judgementHash: row.judgementHash,
        verdict: row.verdict,
      }),
  });

  // a host decommissioned by any process (the hub carries it): refused here from now on, before
  // any judging, as the batch and the last-seen flush would refuse it against the database
  const unsubscribe = ctx.hub.subscribe((event) => {
    if (event.type !== "host" || event.host.decommissionedAt === null) return;
    stored.delete(event.host.id);
    lastSeen.retire(event.host.id);
  });

  return {
    async ingest(hostId, message) {
      lastSeen.check(hostId); // a decommissioned or deleted host is refused before any judging
      const now = ctx.clock.now();
      // the wire schema keeps unknown source names; core reads the ones it knows
      const prepared = await judging.prepare(message.snapshot as Snapshot, now);
      const known = stored.get(hostId);
      if (
        known &&
        known.contentHash === prepared.contentHash &&
        known.judgementHash === prepared.judgementHash &&
        known.verdict === prepared.verdict
      ) {
        lastSeen.touch(hostId, now);
        return { verdict: prepared.verdict, stored: false, transition: false };
      }
      return batcher.submit({ hostId, message, prepared, now });
    },
    heartbeat(hostId) {
      lastSeen.touch(hostId, ctx.clock.now());
    },
    forget(hostId) {
      stored.delete(hostId);
      lastSeen.forget(hostId);
    },
    flush: () => lastSeen.flush(),
    get stats() {
      return batcher.stats;
    },
    start() {
      lastSeen.start();
    },
    async close() {
      unsubscribe();
      await batcher.idle();
      await lastSeen.close();
    },
  };
}
