/**
 * Reading and writing alert rows (packages/db schema/alerting.ts): the mapping between a row and the
 * pure AlertState, plus the queries the engine needs. Runs inside the caller's transaction.
 */
import { createHash } from "node:crypto";
import { alerts, and, asc, type Db, eq, inArray, isNull, lte, type Tx } from "@kdumpwatch/db";
import { runPrepared } from "../services/prepared.ts";
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
export type StateColumns = ReturnType<typeof stateColumns>;

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

/** The open alerts of several hosts, locked for this transaction in one lock order (by id). */
export async function lockOpenAlertsOf(tx: Queryable, hostIds: readonly string[]): Promise<AlertRow[]> {
  if (hostIds.length === 0) return [];
  return tx
    .select()
    .from(alerts)
    .where(and(inArray(alerts.hostId, [...hostIds]), isNull(alerts.resolvedAt)))
    .orderBy(asc(alerts.id))
    .for("update");
}

/** Open alerts due for a time rule, locked; rows another transaction holds are skipped (next tick). */
/**
 * Whether any open alert is due by `now`, without a lock or a transaction: the tick asks this first
 * so that an idle server (nothing due, the usual case) costs one small read a second instead of a
 * transaction of three round trips (issue 13, quiet fleet).
 */
export async function anyDueAlert(db: Queryable, now: Date): Promise<boolean> {
  const rows = await db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(isNull(alerts.resolvedAt), lte(alerts.dueAt, now)))
    .limit(1);
  return rows.length > 0;
}

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

interface NewAlert {
  key: AlertKey;
  columns: StateColumns;
  notifiedAt: Date | null;
}

/** The row of a new alert: its key's columns, its state, when it was last notified. */
function alertRow({ key, columns, notifiedAt }: NewAlert) {
  return {
    fingerprint: fingerprintOf(key),
    hostId: key.hostId,
    alertname: key.alertname,
    checkId: key.check,
    subject: key.subject,
    ...columns,
    lastNotifiedAt: notifiedAt,
  };
}

export async function insertAlert(
  tx: Queryable,
  key: AlertKey,
  columns: StateColumns,
  notifiedAt: Date | null,
): Promise<AlertRow | null> {
  const [row] = await tx
    .insert(alerts)
    .values(alertRow({ key, columns, notifiedAt }))
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function updateAlert(
  tx: Queryable,
  id: number,
  columns: StateColumns,
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

/** The alert memories of several hosts, by host id (hosts without one are absent). */
export async function readHostMemories(
  tx: Queryable,
  hostIds: readonly string[],
): Promise<Map<string, HostMemory>> {
  const out = new Map<string, HostMemory>();
  if (hostIds.length === 0) return out;
  // once per ingest batch: a prepared statement of fixed text (services/prepared.ts)
  const rows = await runPrepared<{ host_id: string; names: string[] | null; evaluated: string | null }>(
    tx,
    "kdw_alert_memories",
    "select host_id, names, evaluated from alert_dump_baselines where host_id = any($1::text[])",
    [hostIds],
  );
  for (const r of rows) out.set(r.host_id, { baseline: r.names, evaluated: r.evaluated });
  return out;
}

/** Several hosts' memories in one upsert (one row per host), a prepared statement of fixed text. */
export async function writeHostMemories(
  tx: Queryable,
  memories: ReadonlyArray<{ hostId: string; memory: HostMemory }>,
  now: Date,
): Promise<void> {
  if (memories.length === 0) return;
  const values = JSON.stringify(
    memories.map(({ hostId, memory }) => ({
      host_id: hostId,
      names: memory.baseline,
      evaluated: memory.evaluated,
    })),
  );
  await runPrepared(
    tx,
    "kdw_alert_memories_write",
    `insert into alert_dump_baselines (host_id, names, evaluated, created_at)
     select v.host_id, v.names, v.evaluated, $2::timestamptz
     from jsonb_to_recordset($1::jsonb) as v(host_id text, names text[], evaluated text)
     on conflict (host_id) do update set names = excluded.names, evaluated = excluded.evaluated`,
    [values, now.toISOString()],
  );
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * Many alert rows rewritten in one statement, their columns as one JSON parameter. A null
 * `notifiedAt` keeps the row's last_notified_at, as updateAlert does.
 */
export async function updateAlerts(
  tx: Queryable,
  rows: ReadonlyArray<{ id: number; columns: StateColumns; notifiedAt: Date | null }>,
): Promise<void> {
  if (rows.length === 0) return;
  const values = JSON.stringify(
    rows.map(({ id, columns: c, notifiedAt }) => ({
      id,
      state: c.state,
      opened_at: c.openedAt.toISOString(),
      fired_at: iso(c.firedAt),
      clear_since: iso(c.clearSince),
      resolved_at: iso(c.resolvedAt),
      notified: c.notified,
      reminders: c.reminders,
      next_reminder_at: iso(c.nextReminderAt),
      details: c.details,
      due_at: iso(c.dueAt),
      notified_at: iso(notifiedAt),
    })),
  );
  await runPrepared(
    tx,
    "kdw_alerts_update",
    `update alerts a set
      state = v.state, opened_at = v.opened_at, fired_at = v.fired_at, clear_since = v.clear_since,
      resolved_at = v.resolved_at, notified = v.notified, reminders = v.reminders,
      next_reminder_at = v.next_reminder_at, details = v.details, due_at = v.due_at,
      last_notified_at = coalesce(v.notified_at, a.last_notified_at)
    from jsonb_to_recordset($1::jsonb) as v(id bigint, state text, opened_at timestamptz,
      fired_at timestamptz, clear_since timestamptz, resolved_at timestamptz, notified boolean,
      reminders integer, next_reminder_at timestamptz, details jsonb, due_at timestamptz,
      notified_at timestamptz)
    where a.id = v.id`,
    [values],
  );
}

/**
 * Many new alerts in one INSERT; returns the ids of those stored, by fingerprint. An alert another
 * transaction opened first (same open fingerprint) is not stored and absent from the result.
 */
export async function insertAlerts(tx: Queryable, rows: readonly NewAlert[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (rows.length === 0) return out;
  const inserted = await tx
    .insert(alerts)
    .values(rows.map(alertRow))
    .onConflictDoNothing()
    .returning({ id: alerts.id, fingerprint: alerts.fingerprint });
  for (const r of inserted) out.set(r.fingerprint, r.id);
  return out;
}

/** Alert rows forgotten (pending alerts that cleared), in one statement. */
export async function deleteAlerts(tx: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.delete(alerts).where(inArray(alerts.id, [...ids]));
}

/** Open alerts the next tick must look at now (targets of a source that closed). */
export async function wakeAlerts(tx: Queryable, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(alerts)
    .set({ dueAt: now })
    .where(and(inArray(alerts.id, [...ids]), isNull(alerts.resolvedAt)));
}
