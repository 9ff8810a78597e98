/**
 * Reading and writing alert rows (packages/db schema/alerting.ts): the mapping between a row and the
 * pure AlertState, plus the queries the engine needs. Runs inside the caller's transaction.
 */
import { createHash } from "node:crypto";
import {
  alertDumpBaselines,
  alerts,
  and,
  asc,
  type Db,
  eq,
  inArray,
  isNull,
  lte,
  type Tx,
} from "@kdumpwatch/db";
import type { AlertPhase, AlertState } from "./alert-machine.ts";
import {
  ALERT_NAMES,
  type AlertDescription,
  type AlertKey,
  type AlertName,
  alertKeyString,
  type Consequence,
} from "./alert-types.ts";

export type Queryable = Db | Tx;
export type AlertRow = typeof alerts.$inferSelect;

export function fingerprintOf(key: AlertKey): string {
  return createHash("sha256").update(alertKeyString(key)).digest("hex").slice(0, 32);
}

const NAME_SET = new Set<string>(ALERT_NAMES);

export function keyOfRow(row: AlertRow): AlertKey {
  const alertname = (NAME_SET.has(row.alertname) ? row.alertname : "KdumpCheckFailing") as AlertName;
  return { hostId: row.hostId, alertname, check: row.checkId ?? "", subject: row.subject };
}

export function stateOfRow(row: AlertRow): AlertState {
  return {
    phase: row.state as AlertPhase,
    activeSince: row.openedAt,
    firedAt: row.firedAt,
    clearSince: row.clearSince,
    resolvedAt: row.resolvedAt,
    notified: row.notified,
    reminders: row.reminders,
    nextReminderAt: row.nextReminderAt,
  };
}

export function descriptionOfRow(row: Pick<AlertRow, "details" | "hostId">): AlertDescription {
  const d = (row.details ?? {}) as Partial<Record<keyof AlertDescription, unknown>>;
  const description: AlertDescription = {
    hostname: typeof d.hostname === "string" ? d.hostname : row.hostId,
    summary: typeof d.summary === "string" ? d.summary : "",
    remediation: typeof d.remediation === "string" ? d.remediation : "",
  };
  if (isStringRecord(d.hostLabels)) description.hostLabels = d.hostLabels;
  if (Array.isArray(d.consequences)) {
    description.consequences = d.consequences.filter(
      (c): c is Consequence =>
        typeof c === "object" && c !== null && typeof c.check === "string" && typeof c.summary === "string",
    );
  }
  return description;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === "string")
  );
}

/** Columns written from a state (the rest is the key, set on insert). */
export function stateColumns(state: AlertState, description: AlertDescription, dueAt: Date | null) {
  return {
    state: state.phase,
    openedAt: state.activeSince,
    firedAt: state.firedAt,
    clearSince: state.clearSince,
    resolvedAt: state.resolvedAt,
    notified: state.notified,
    reminders: state.reminders,
    nextReminderAt: state.nextReminderAt,
    details: description,
    dueAt,
  };
}

/** The host's open alerts, locked for this transaction. */
export async function lockOpenAlerts(tx: Queryable, hostId: string): Promise<AlertRow[]> {
  return tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.hostId, hostId), isNull(alerts.resolvedAt)))
    .for("update");
}

/** Open alerts due for a time rule, locked; rows another transaction holds are skipped (next tick). */
export async function lockDueAlerts(tx: Queryable, now: Date, limit: number): Promise<AlertRow[]> {
  return tx
    .select()
    .from(alerts)
    .where(and(isNull(alerts.resolvedAt), lte(alerts.dueAt, now)))
    .orderBy(asc(alerts.dueAt))
    .limit(limit)
    .for("update", { skipLocked: true });
}

/** Per host, the checks of its open KdumpCheckFailing alerts (what inhibits; inhibition.ts). */
export async function openCheckAlerts(
  tx: Queryable,
  hostIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const byHost = new Map<string, Set<string>>();
  if (hostIds.length === 0) return byHost;
  const rows = await tx
    .select({ hostId: alerts.hostId, check: alerts.checkId })
    .from(alerts)
    .where(
      and(
        inArray(alerts.hostId, [...new Set(hostIds)]),
        eq(alerts.alertname, "KdumpCheckFailing"),
        isNull(alerts.resolvedAt),
      ),
    );
  for (const r of rows) {
    if (r.check === null) continue;
    const set = byHost.get(r.hostId) ?? new Set<string>();
    set.add(r.check);
    byHost.set(r.hostId, set);
  }
  return byHost;
}

export async function insertAlert(
  tx: Queryable,
  key: AlertKey,
  columns: ReturnType<typeof stateColumns>,
  notifiedAt: Date | null,
): Promise<AlertRow | null> {
  const [row] = await tx
    .insert(alerts)
    .values({
      fingerprint: fingerprintOf(key),
      hostId: key.hostId,
      alertname: key.alertname,
      checkId: key.check,
      subject: key.subject,
      ...columns,
      lastNotifiedAt: notifiedAt,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function updateAlert(
  tx: Queryable,
  id: number,
  columns: ReturnType<typeof stateColumns>,
  notifiedAt: Date | null,
): Promise<void> {
  await tx
    .update(alerts)
    .set(notifiedAt === null ? columns : { ...columns, lastNotifiedAt: notifiedAt })
    .where(eq(alerts.id, id));
}

export async function deleteAlert(tx: Queryable, id: number): Promise<void> {
  await tx.delete(alerts).where(eq(alerts.id, id));
}

export interface HostMemory {
  /** dumps of the first readable listing, null before one was seen */
  baseline: string[] | null;
  /** key of the last judgement evaluated */
  evaluated: string | null;
}

export async function readHostMemory(tx: Queryable, hostId: string): Promise<HostMemory | null> {
  const [row] = await tx
    .select({ names: alertDumpBaselines.names, evaluated: alertDumpBaselines.evaluated })
    .from(alertDumpBaselines)
    .where(eq(alertDumpBaselines.hostId, hostId));
  return row === undefined ? null : { baseline: row.names, evaluated: row.evaluated };
}

export async function writeHostMemory(
  tx: Queryable,
  hostId: string,
  memory: HostMemory,
  now: Date,
): Promise<void> {
  await tx
    .insert(alertDumpBaselines)
    .values({ hostId, names: memory.baseline, evaluated: memory.evaluated, createdAt: now })
    .onConflictDoUpdate({
      target: alertDumpBaselines.hostId,
      set: { names: memory.baseline, evaluated: memory.evaluated },
    });
}
