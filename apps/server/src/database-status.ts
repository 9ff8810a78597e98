import { databaseUnavailableReason } from "./database-errors.ts";
import type { Logger } from "./log.ts";

/**
 * A storage fault (disk full, I/O error) stays "down" this long after it was last seen, even when
 * a small write succeeds meanwhile: PostgreSQL (and PGlite) still commit writes that fit in pages
 * and WAL segments already allocated, while every snapshot that needs a new page fails. Only a
 * stored snapshot ends it sooner.
 */
const STORAGE_FAULT_HOLD_MS = 30_000;

/** Which success is reported: a stored snapshot proves the storage; a ping or small write does not. */
type SuccessKind = "snapshot" | "other";

/**
 * Whether the database can take writes, as the server last saw it: set by every database fault
 * that retrying may cure (lost connection, timeout, disk full …) and cleared by the next success.
 * It only logs the transitions — one warning with the cause when the database goes away, one line
 * when it is back — so an outage is a pair of log lines, not one error per request.
 */
export interface DatabaseStatus {
  /** records a fault when `err` is one; returns its reason (null: not a database availability fault) */
  failed(err: unknown): string | null;
  succeeded(kind?: SuccessKind): void;
  /** null while the database works */
  readonly down: { since: Date; reason: string } | null;
}

export function createDatabaseStatus(log: Logger, now: () => Date = () => new Date()): DatabaseStatus {
  let down: { since: Date; reason: string; lastAt: number } | null = null;
  return {
    failed(err) {
      const reason = databaseUnavailableReason(err);
      if (reason === null) return null;
      const at = now();
      if (down === null) {
        down = { since: at, reason, lastAt: at.getTime() };
        log.warn(
          { err, reason },
          `database unavailable (${reason}): answering 503 and asking agents to retry`,
        );
      } else {
        down.lastAt = at.getTime();
        if (reason === "storage") down.reason = reason;
      }
      return reason;
    },
    succeeded(kind = "other") {
      if (down === null) return;
      const held = down.reason === "storage" && now().getTime() - down.lastAt < STORAGE_FAULT_HOLD_MS;
      if (held && kind !== "snapshot") return;
      log.info({ since: down.since, reason: down.reason }, "database available again");
      down = null;
    },
    get down() {
      return down === null ? null : { since: down.since, reason: down.reason };
    },
  };
}
