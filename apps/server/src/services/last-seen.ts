import { hosts, inArray, sql } from "@kdumpwatch/db";
import { AppError } from "../errors.ts";
import { activeHostAs, decommissionedError } from "./active-hosts.ts";
import type { ServiceContext } from "./context.ts";
import { staleCutoff, toHostSummary } from "./host-view.ts";

/** How often a process writes the last-seen times it has collected (one statement for all). */
const LAST_SEEN_FLUSH_MS = 2_000;

export interface LastSeen {
  /**
   * The host was heard from (heartbeat, or a snapshot identical to the stored one): remembered in
   * memory and written with the next flush. Throws not_found for a host the last flush
   * found gone, conflict for a decommissioned one.
   */
  touch(hostId: string, at: Date): void;
  /** throws as touch does, remembers nothing (a snapshot about to be judged) */
  check(hostId: string): void;
  /** a host authenticated again: whatever the last flush concluded about it no longer holds */
  forget(hostId: string): void;
  /** the host was decommissioned: its next touch throws (conflict: the agent is closed with 4410) */
  retire(hostId: string): void;
  /** writes every remembered time in one transaction; stale hosts heard from again are announced */
  flush(): Promise<void>;
  /** hosts waiting for the next flush */
  readonly pending: number;
  /** flushes every `everyMs` until close (which flushes one last time) */
  start(everyMs?: number): void;
  close(): Promise<void>;
}

interface Flushed {
  id: string;
  was_stale: boolean;
}

/** postgres.js answers an array of rows, PGlite `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/**
 * Heartbeats touch no row per beat (issue 13): a quiet fleet of 10,000 agents beating every 30 s
 * would otherwise be 333 single-row UPDATEs a second, each rewriting the host row and its
 * last-seen and stale-clock index entries. Instead each process keeps the newest time per host
 * and writes them all in one UPDATE every LAST_SEEN_FLUSH_MS. Staleness reads `stale_clock_at`
 * (services/host-view.ts, alerting/stale-alerts.ts), which is then at most one flush behind: far
 * below KDUMPWATCH_STALE_AFTER (minutes). Values only move forward (`greatest`), so processes
 * sharing one database never move a host back in time — except a stale clock set into the future
 * by an outage excuse (services/liveness.ts), which the first word from the host replaces.
 */
export function createLastSeen(ctx: ServiceContext): LastSeen {
  let seen = new Map<string, Date>();
  const gone = new Set<string>();
  /** decommissioned hosts (by this flush or by the hub's event): their agents are told 4410 */
  const retired = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  function remember(hostId: string, at: Date): void {
    const known = seen.get(hostId);
    if (!known || known.getTime() < at.getTime()) seen.set(hostId, at);
  }

  async function write(batch: Map<string, Date>): Promise<void> {
    const now = ctx.clock.now();
    const ids = [...batch.keys()];
    const values = JSON.stringify(ids.map((id) => ({ id, at: batch.get(id)?.toISOString() })));
    // one statement that never waits: a host row locked by an ingest batch (which moves its
    // last-seen itself) is skipped and its time rides with the next flush; `old` is the row before
    // this statement, so a host that was stale is announced once
    const flushed = rowsOf<Flushed>(
      await ctx.db.execute(sql`with v as (
          select * from jsonb_to_recordset(${values}::jsonb) as v(id text, at timestamptz)),
        locked as (select h.id from ${hosts} h where h.id in (select id from v)
                     and ${activeHostAs("h")} for update skip locked)
        update ${hosts} h set
            last_seen_at = greatest(h.last_seen_at, v.at),
            stale_clock_at = case when h.stale_clock_at > ${now.toISOString()}::timestamptz then v.at
                                  else greatest(h.stale_clock_at, v.at) end,
            stale_since = null
          from v, ${hosts} old
          where h.id = v.id and old.id = h.id and h.id in (select id from locked)
          returning h.id, old.stale_since is not null as was_stale`),
    );
    const found = new Set(flushed.map((r) => r.id));
    const missed = ids.filter((id) => !found.has(id));
    if (missed.length > 0) {
      // locked (try again next time), deleted or decommissioned (tell the agent at its next beat)
      const rows = await ctx.db
        .select({ id: hosts.id, decommissionedAt: hosts.decommissionedAt })
        .from(hosts)
        .where(inArray(hosts.id, missed));
      const state = new Map(
        rows.map((r) => [r.id, r.decommissionedAt === null ? "active" : "decommissioned"]),
      );
      for (const id of missed) {
        const s = state.get(id);
        if (s === "active") remember(id, batch.get(id) as Date);
        else if (s === "decommissioned") retired.add(id);
        else gone.add(id);
      }
    }
    const back = flushed.filter((r) => r.was_stale).map((r) => r.id);
    if (back.length === 0) return;
    const rows = await ctx.db.select().from(hosts).where(inArray(hosts.id, back));
    const cutoff = staleCutoff(now, ctx.config.staleAfterSec);
    for (const row of rows) await ctx.hub.publish({ type: "host", host: toHostSummary(row, cutoff) });
  }

  async function flushOnce(): Promise<void> {
    if (seen.size === 0) return;
    const batch = seen;
    seen = new Map();
    try {
      await write(batch);
    } catch (err) {
      // nothing is lost: the times go back and ride with the next flush
      for (const [id, at] of batch) remember(id, at);
      throw err;
    }
  }

  function check(hostId: string): void {
    if (retired.has(hostId)) throw decommissionedError();
    if (gone.has(hostId)) throw new AppError("not_found", "host no longer enrolled");
  }

  return {
    touch(hostId, at) {
      check(hostId);
      remember(hostId, at);
    },
    check,
    forget(hostId) {
      gone.delete(hostId);
    },
    retire(hostId) {
      retired.add(hostId);
      seen.delete(hostId);
    },
    flush() {
      // one flush at a time, in order: a second caller waits for the first and then writes its own
      running = running.catch(() => {}).then(flushOnce);
      return running;
    },
    get pending() {
      return seen.size;
    },
    start(everyMs = LAST_SEEN_FLUSH_MS) {
      if (timer) return;
      timer = setInterval(() => {
        this.flush().catch((err) => ctx.log.warn({ err, hosts: seen.size }, "last-seen flush failed"));
      }, everyMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await this.flush();
    },
  };
}
