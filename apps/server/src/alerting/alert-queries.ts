/**
 * What the API shows: alerts (open, and resolved within a window) and silences, in the protocol's
 * shapes (packages/protocol http.ts, "Alerts and silences").
 */
import { alerts, and, asc, type Db, desc, eq, gte, isNotNull, isNull, or, sql } from "@kdumpwatch/db";
import type {
  Alert,
  AlertList,
  AlertListQuery,
  AlertState,
  Silence as SilenceDto,
} from "@kdumpwatch/protocol";
import { alertOfActiveHost } from "../services/active-hosts.ts";
import { type AlertRow, descriptionOfRow, keyOfRow } from "./alert-store.ts";
import { alertLabels, SEVERITY_OF } from "./alert-types.ts";
import { matchingSilences, type Silence } from "./silences.ts";

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const STATES = new Set<string>(["pending", "firing", "clearing", "resolved"]);

export function toAlertDto(row: AlertRow, silences: readonly Silence[], now: Date): Alert {
  const key = keyOfRow(row);
  const d = descriptionOfRow(row);
  const open = row.resolvedAt === null;
  return {
    id: row.id,
    hostId: row.hostId,
    hostname: d.hostname,
    alertname: key.alertname,
    check: key.check,
    subject: key.subject,
    severity: SEVERITY_OF[key.alertname],
    state: (STATES.has(row.state) ? row.state : "firing") as AlertState,
    startsAt: row.openedAt.toISOString(),
    firedAt: iso(row.firedAt),
    resolvedAt: iso(row.resolvedAt),
    lastNotifiedAt: iso(row.lastNotifiedAt),
    summary: d.summary,
    remediation: d.remediation,
    silencedBy: open
      ? matchingSilences(silences, alertLabels(key, d.hostname, d.hostLabels), now).map((s) => s.id)
      : [],
  };
}

export async function listAlerts(
  db: Db,
  query: AlertListQuery,
  silences: readonly Silence[],
  now: Date,
): Promise<AlertList> {
  const since = new Date(now.getTime() - query.resolvedWithin);
  const scope = or(
    isNull(alerts.resolvedAt),
    and(isNotNull(alerts.resolvedAt), gte(alerts.resolvedAt, since)),
  );
  // the fleet's list leaves decommissioned hosts out; a host's own list (its page) keeps its history
  const where =
    query.hostId === undefined
      ? and(scope, alertOfActiveHost())
      : and(scope, eq(alerts.hostId, query.hostId));
  const rows = await db
    .select()
    .from(alerts)
    .where(where)
    // open first (firing, clearing, pending), then resolved; newest first within each
    .orderBy(
      sql`case ${alerts.state} when 'firing' then 0 when 'clearing' then 1 when 'pending' then 2 else 3 end`,
      desc(sql`coalesce(${alerts.resolvedAt}, ${alerts.openedAt})`),
      asc(alerts.id),
    )
    .limit(query.limit + 1);
  const truncated = rows.length > query.limit;
  return {
    alerts: rows.slice(0, query.limit).map((r) => toAlertDto(r, silences, now)),
    truncated,
    generatedAt: now.toISOString(),
  };
}

export function toSilenceDto(s: Silence, now: Date): SilenceDto {
  const matchers: SilenceDto["matchers"] = {};
  if (s.matchers.hostId !== undefined) matchers.hostId = s.matchers.hostId;
  if (s.matchers.check !== undefined) matchers.check = s.matchers.check;
  if (s.matchers.labels !== undefined) matchers.labels = { ...s.matchers.labels };
  return {
    id: s.id,
    matchers,
    reason: s.reason,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    active: s.expiresAt.getTime() > now.getTime(),
  };
}
