import type { ServiceContext } from "./context.ts";
import { type EnrollOutcome, type EnrollRow, newHostSummary, writeEnrollments } from "./enroll-write.ts";
import { staleCutoff } from "./host-view.ts";

/**
 * What a batched enrollment came to: `enrolled` (committed), or `alone` — not written here, because
 * its enroll key names a record: the caller re-enrolls that record in a transaction of its own.
 */
type BatchedEnrollment = { kind: "enrolled"; duplicateOf: string | null } | { kind: "alone" };

export interface EnrollBatcher {
  /** settles once the transaction holding this enrollment has committed (or failed) */
  submit(row: EnrollRow): Promise<BatchedEnrollment>;
  /** transactions committed or tried so far, and the enrollments they held */
  readonly stats: { batches: number; enrollments: number };
}

export interface EnrollBatcherOptions {
  /** most enrollments in one transaction */
  maxBatch?: number;
  /** how long the first enrollment of a batch waits for company */
  gatherMs?: number;
  /** batches in flight at once (the machine-ids' advisory locks keep two batches apart) */
  concurrency?: number;
}

interface Waiting {
  row: EnrollRow;
  resolve: (r: BatchedEnrollment) => void;
  reject: (err: unknown) => void;
}

/**
 * Enrollment group commit (issue 13), the model of ingest-batch.ts: new agents' enrollments that
 * arrive within `gatherMs` of each other, or while a batch is in flight, are written in ONE
 * transaction of two prepared statements (enroll-write.ts) instead of a transaction of their own
 * each; each agent's welcome waits for that commit. Live listeners hear of the new hosts after it
 * (house-style §4), as the batch wrote them (nothing is read back).
 */
export function createEnrollBatcher(ctx: ServiceContext, options: EnrollBatcherOptions = {}): EnrollBatcher {
  const maxBatch = options.maxBatch ?? 100;
  const gatherMs = options.gatherMs ?? 2;
  const concurrency = options.concurrency ?? 2;
  let queue: Waiting[] = [];
  let active = 0;
  let timer: NodeJS.Timeout | null = null;
  const stats = { batches: 0, enrollments: 0 };

  function schedule(): void {
    if (timer || active >= concurrency || queue.length === 0) return;
    timer = setTimeout(() => {
      timer = null;
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      active++;
      void runOnce(batch).finally(() => {
        active--;
        schedule();
      });
      schedule();
    }, gatherMs);
  }

  async function runOnce(batch: Waiting[]): Promise<void> {
    stats.batches++;
    stats.enrollments += batch.length;
    const write = (ws: readonly Waiting[]) =>
      ctx.db.transaction((tx) =>
        writeEnrollments(
          tx,
          ws.map((w) => w.row),
        ),
      );
    let outcomes: (EnrollOutcome | { failed: unknown })[];
    try {
      outcomes = await write(batch);
    } catch (err) {
      if (batch.length > 1)
        ctx.log.warn({ err, enrollments: batch.length }, "enrollment batch failed: each enrolled alone");
      // nothing of the batch was written: each row alone, in the order of arrival (the first of a
      // machine-id stays the original), so that a bad row costs only itself
      outcomes = [];
      for (const w of batch) {
        try {
          outcomes.push(batch.length === 1 ? { failed: err } : ((await write([w]))[0] ?? { own: true }));
        } catch (e) {
          outcomes.push({ failed: e });
        }
      }
    }
    await publishNew(
      ctx,
      batch.flatMap((w, i) => {
        const o = outcomes[i];
        return isWritten(o) ? [{ row: w.row, duplicateOf: o.duplicateOf }] : [];
      }),
    );
    batch.forEach((w, i) => {
      const o = outcomes[i];
      if (o !== undefined && "failed" in o) w.reject(o.failed);
      else w.resolve(isWritten(o) ? { kind: "enrolled", duplicateOf: o.duplicateOf } : { kind: "alone" });
    });
  }

  return {
    submit(row) {
      return new Promise<BatchedEnrollment>((resolve, reject) => {
        queue.push({ row, resolve, reject });
        schedule();
      });
    },
    get stats() {
      return { ...stats };
    },
  };
}

const isWritten = (o: EnrollOutcome | { failed: unknown } | undefined): o is EnrollOutcome & { own: false } =>
  o !== undefined && "own" in o && !o.own;

/** The new hosts as live listeners see them, in the order of arrival. */
async function publishNew(
  ctx: ServiceContext,
  written: readonly { row: EnrollRow; duplicateOf: string | null }[],
): Promise<void> {
  const cutoff = staleCutoff(ctx.clock.now(), ctx.config.staleAfterSec);
  try {
    for (const { row, duplicateOf } of written)
      await ctx.hub.publish({ type: "host", host: newHostSummary(row, duplicateOf, cutoff) });
  } catch (err) {
    ctx.log.warn({ err, hosts: written.length }, "host events not published");
  }
}
