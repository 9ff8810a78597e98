import { databaseUnavailableReason } from "./database-errors.ts";
import type { Logger } from "./log.ts";

/**
 * Whether the database can take writes, as the server last saw it: set by every database fault
 * that retrying may cure (lost connection, timeout, disk full …) and cleared by the next success.
 * It only logs the transitions — one warning with the cause when the database goes away, one line
 * when it is back — so an outage is a pair of log lines, not one error per request.
 */
export interface DatabaseStatus {
  /** records a fault when `err` is one; returns its reason (null: not a database availability fault) */
  failed(err: unknown): string | null;
  succeeded(): void;
  /** null while the database works */
  readonly down: { since: Date; reason: string } | null;
}

export function createDatabaseStatus(log: Logger, now: () => Date = () => new Date()): DatabaseStatus {
  let down: { since: Date; reason: string } | null = null;
  return {
    failed(err) {
      const reason = databaseUnavailableReason(err);
      if (reason === null) return null;
      if (down === null) {
        down = { since: now(), reason };
        log.warn(
          { err, reason },
          `database unavailable (${reason}): answering 503 and asking agents to retry`,
        );
      }
      return reason;
    },
    succeeded() {
      if (down === null) return;
      log.info({ since: down.since, reason: down.reason }, "database available again");
      down = null;
    },
    get down() {
      return down;
    },
  };
}
