/**
 * The transaction both host-condition alerts share (stale-alerts.ts, ingest-alerts.ts): raise an
 * observation for each host in the condition, and a clearing one for each open alert whose host
 * left it. Rows another process holds are skipped (`skip locked`); the next tick takes them.
 */
import { alerts, and, type Db, eq, inArray, isNull, type Tx } from "@kdumpwatch/db";
import { type AlertRow, descriptionOfRow, fingerprintOf } from "./alert-store.ts";
import type { AlertDescription } from "./alert-types.ts";
import type { Observation } from "./conditions.ts";

export interface HostConditionSync {
  /** observations of the hosts in the condition (their open alert, if any, is found by key) */
  raise: readonly Observation[];
  /** open alerts whose host left the condition */
  clearIds: readonly number[];
  /** the clearing observation for one of those alerts */
  cleared(row: AlertRow, description: AlertDescription): Observation;
  /** the engine's step for one alert, inside the transaction */
  apply(tx: Tx, obs: Observation, row: AlertRow | null): Promise<void>;
}

export async function syncHostCondition(db: Db, s: HostConditionSync): Promise<void> {
  await db.transaction(async (tx) => {
    for (const obs of s.raise) {
      const [row] = await tx
        .select()
        .from(alerts)
        .where(and(eq(alerts.fingerprint, fingerprintOf(obs.key)), isNull(alerts.resolvedAt)))
        .for("update", { skipLocked: true });
      await s.apply(tx, obs, row ?? null);
    }
    if (s.clearIds.length === 0) return;
    const rows = await tx
      .select()
      .from(alerts)
      .where(and(inArray(alerts.id, [...s.clearIds]), isNull(alerts.resolvedAt)))
      .for("update", { skipLocked: true });
    for (const row of rows) {
      const d = descriptionOfRow(row);
      await s.apply(tx, { ...s.cleared(row, d), description: d }, row);
    }
  });
}
