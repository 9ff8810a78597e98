import { hosts, sql, type Tx } from "@kdumpwatch/db";
import type { SnapshotMessage } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import { decommissionedError } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import { type HostRow, staleCutoff, toHostSummary } from "./host-view.ts";
import type { PreparedSnapshot } from "./ingest-prepare.ts";
import { writeBatch } from "./ingest-write.ts";

export interface IngestResult {
  verdict: PreparedSnapshot["verdict"];
  /** a new snapshot row was written (content hash changed) */
  stored: boolean;
  /** a transition row was written (verdict or failing set changed) */
  transition: boolean;
}

interface IngestItem {
  hostId: string;
  message: SnapshotMessage;
  prepared: PreparedSnapshot;
  /** when the snapshot was received (last-seen, transition time) */
  now: Date;
}

export interface IngestBatcher {
  /** resolves once the transaction holding this snapshot has committed */
  submit(item: IngestItem): Promise<IngestResult>;
  /** transactions committed or tried so far, and the snapshots they held */
  readonly stats: { batches: number; snapshots: number };
  /** resolves when everything submitted so far has committed or failed */
  idle(): Promise<void>;
}

export interface BatcherOptions {
  /** most snapshots in one transaction */
  maxBatch?: number;
  /** how long the first snapshot of a batch waits for company */
  gatherMs?: number;
  /**
   * batches in flight at once: each batch is a few round trips (alerting's included), so one
   * batch at a time would leave the database idle between them
   */
  concurrency?: number;
  /** after each commit, per host: what is now stored (ingest.ts remembers it) */
  onCommitted?: (host: HostRow) => void;
}

interface Waiting {
  item: IngestItem;
  resolve: (r: IngestResult) => void;
  reject: (err: unknown) => void;
}

interface Planned {
  w: Waiting;
  before: HostRow;
  after: HostRow;
  stored: boolean;
  transition: boolean;
  verdictChanged: boolean;
  reportChanged: boolean;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Group commit (issue 13): every snapshot that arrives while a commit is in flight, or within
 * `gatherMs` of an idle moment, goes into ONE transaction of multi-row statements — one locking
 * SELECT, one INSERT per table, one UPDATE of the host rows — instead of five statements and a
 * commit (an fsync) per snapshot. Each caller's promise settles only after that commit, so the
 * agent is acked for what is durable (product.md §5). A host appears at most once per batch; a
 * second snapshot of the same host waits for the next one.
 */
export function createIngestBatcher(ctx: ServiceContext, options: BatcherOptions = {}): IngestBatcher {
  const maxBatch = options.maxBatch ?? 200;
  const gatherMs = options.gatherMs ?? 2;
  const concurrency = options.concurrency ?? 4;
  let queue: Waiting[] = [];
  let active = 0;
  /** hosts in a batch in flight: their next snapshot waits, so each host's snapshots apply in order */
  const busy = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let idleWaiters: (() => void)[] = [];
  const stats = { batches: 0, snapshots: 0 };

  function schedule(): void {
    if (timer || active >= concurrency || !queue.some((w) => !busy.has(w.item.hostId))) return;
    timer = setTimeout(() => {
      timer = null;
      const batch = take();
      if (batch.length === 0) return;
      active++;
      void runOnce(batch).finally(() => {
        active--;
        for (const w of batch) busy.delete(w.item.hostId);
        schedule();
        if (active === 0 && queue.length === 0) {
          for (const wake of idleWaiters) wake();
          idleWaiters = [];
        }
      });
      schedule();
    }, gatherMs);
  }

  /** the next batch: oldest first, each host once, none with a batch in flight */
  function take(): Waiting[] {
    const batch: Waiting[] = [];
    const later: Waiting[] = [];
    for (const w of queue) {
      if (batch.length < maxBatch && !busy.has(w.item.hostId)) {
        busy.add(w.item.hostId);
        batch.push(w);
      } else later.push(w);
    }
    queue = later;
    return batch;
  }

  async function runOnce(batch: Waiting[]): Promise<void> {
    stats.batches++;
    stats.snapshots += batch.length;
    let planned: Planned[];
    try {
      planned = await ctx.db.transaction((tx) => commitBatch(ctx, tx, batch));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    const done = new Set(planned.map((p) => p.w));
    for (const w of batch) {
      if (!done.has(w)) w.reject(new AppError("not_found", "host no longer enrolled"));
    }
    for (const p of planned) {
      options.onCommitted?.(p.after);
      p.w.resolve({ verdict: p.w.item.prepared.verdict, stored: p.stored, transition: p.transition });
    }
    // live listeners hear about it after the commit (house-style §4)
    for (const p of planned) {
      const { before, after } = p;
      if (p.transition || before.staleSince !== null || listingChanged(before, after)) {
        const cutoff = staleCutoff(p.w.item.now, ctx.config.staleAfterSec);
        await ctx.hub.publish({ type: "host", host: toHostSummary(after, cutoff) });
      }
    }
  }

  return {
    submit(item) {
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    get stats() {
      return { ...stats };
    },
    idle() {
      if (active === 0 && !timer && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

/** The statements of one batch, inside its transaction; returns the hosts it found. */
async function commitBatch(ctx: ServiceContext, tx: Tx, batch: readonly Waiting[]): Promise<Planned[]> {
  const ids = batch.map((w) => w.item.hostId).sort();
  // one lock order for every batch (other processes' included); the last-seen flush skips locked rows
  // one statement text whatever the batch's size (an IN list would be parsed and planned anew for
  // each size), prepared once per connection
  const rows = await tx
    .select()
    .from(hosts)
    .where(sql`${hosts.id} = any(${sql.placeholder("ids")}::text[])`)
    .orderBy(hosts.id)
    .for("update")
    .prepare("kdw_ingest_lock_hosts")
    .execute({ ids });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const planned: Planned[] = [];
  for (const w of batch) {
    const before = byId.get(w.item.hostId);
    if (!before) continue;
    if (before.decommissionedAt !== null) {
      // settled now, so the "no longer enrolled" of runOnce for hosts not planned does not apply
      w.reject(decommissionedError());
      continue;
    }
    const p = w.item.prepared;
    const firstJudgement = before.judgementHash === null;
    const verdictChanged = firstJudgement || before.verdict !== p.verdict;
    planned.push({
      w,
      before,
      after: before,
      stored: before.contentHash !== p.contentHash,
      transition: verdictChanged || !sameList(before.failing, p.failing),
      verdictChanged,
      reportChanged: before.judgementHash !== p.judgementHash,
    });
  }
  if (planned.length === 0) return planned;

  for (const p of planned) {
    const { prepared, now } = p.w.item;
    p.after = {
      ...p.before,
      verdict: prepared.verdict,
      failing: prepared.failing,
      ...prepared.listing,
      lastSeenAt: now,
      staleClockAt: now,
      staleSince: null,
      verdictSince: p.verdictChanged ? now : p.before.verdictSince,
      contentHash: prepared.contentHash,
      judgementHash: prepared.judgementHash,
    };
  }
  // snapshots, transitions, reports and host rows: one prepared statement (ingest-write.ts)
  const latest = await writeBatch(
    tx,
    planned.map(({ w, before, after, stored, transition, reportChanged }) => ({
      hostId: after.id,
      at: w.item.now,
      snapshot: stored
        ? {
            hash: w.item.prepared.contentHash,
            collectedAt: w.item.message.snapshot.collectedAt,
            sourcesJson: w.item.prepared.sourcesJson,
          }
        : null,
      transition: transition ? { fromVerdict: before.judgementHash === null ? null : before.verdict } : null,
      report: reportChanged
        ? { checksJson: w.item.prepared.checksJson, factsJson: w.item.prepared.factsJson }
        : null,
      host: after,
    })),
  );
  for (const p of planned) p.after.latestSnapshotId = latest.get(p.after.id) ?? null;

  // alerting (product.md §6): alert changes and their notifications commit with the reports; a
  // host whose evidence and judgement did not change has nothing new to evaluate. The batch's
  // hosts are evaluated together, in a few set-wise statements (alert-engine.ts onHostsJudged).
  if (ctx.alerting) {
    const judged = planned
      .filter((p) => p.stored || p.reportChanged || p.verdictChanged)
      .map((p) => ({
        host: p.after,
        result: { checks: p.w.item.prepared.checks, facts: p.w.item.prepared.facts },
      }));
    await ctx.alerting.onHostsJudged(tx, judged);
  }
  return planned;
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
