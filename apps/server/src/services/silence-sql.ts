/**
 * "Is this alert silenced?" as SQL over the `alerts` table, so the alert list can count and page
 * silenced alerts in the database. It must agree with the alerting engine's own matching
 * (alerting/silences.ts `silenceMatches` over alert-types.ts `alertLabels`, reading a row the way
 * alert-store.ts `keyOfRow`/`descriptionOfRow` do); alert-listing.test.ts checks both on the same rows.
 */
import { alerts, type SQL, sql } from "@kdumpwatch/db";
import { ALERT_NAMES, SEVERITY_OF } from "../alerting/alert-types.ts";
import type { Silence, SilenceMatchers } from "../alerting/silences.ts";

/** The `alertname` label: an unknown stored name reads as KdumpCheckFailing (keyOfRow). */
const alertnameExpr = sql`(case when ${alerts.alertname} in (${sql.join(
  ALERT_NAMES.map((n) => sql`${n}`),
  sql`, `,
)}) then ${alerts.alertname} else 'KdumpCheckFailing' end)`;

/** The `host` label: the hostname stored with the alert, else the host id (descriptionOfRow). */
const hostExpr = sql`coalesce(${alerts.details}->>'hostname', ${alerts.hostId})`;
const checkExpr = sql`coalesce(${alerts.checkId}, '')`;

function severityIs(value: string): SQL {
  const names = ALERT_NAMES.filter((n) => SEVERITY_OF[n] === value);
  if (names.length === 0) return sql`false`;
  return sql`${alertnameExpr} in (${sql.join(
    names.map((n) => sql`${n}`),
    sql`, `,
  )})`;
}

function labelIs(name: string, value: string): SQL {
  switch (name) {
    case "alertname":
      return sql`${alertnameExpr} = ${value}`;
    case "host":
      return sql`${hostExpr} = ${value}`;
    case "host_id":
      return sql`${alerts.hostId} = ${value}`;
    case "check":
      return sql`${checkExpr} = ${value}`;
    case "severity":
      return severityIs(value);
    case "dump":
      // only crash-dump alerts with a subject carry the label
      return sql`(${alertnameExpr} = 'KdumpCrashDumpFound' and ${alerts.subject} <> '' and ${alerts.subject} = ${value})`;
    default:
      return sql`false`;
  }
}

function matchersSql(m: SilenceMatchers): SQL {
  const parts: SQL[] = [];
  if (m.hostId !== undefined) parts.push(sql`${alerts.hostId} = ${m.hostId}`);
  if (m.check !== undefined) parts.push(sql`${checkExpr} = ${m.check}`);
  for (const [name, value] of Object.entries(m.labels ?? {})) parts.push(labelIs(name, value));
  // a silence without matchers never matches (silenceMatches)
  if (parts.length === 0) return sql`false`;
  return sql`(${sql.join(parts, sql` and `)})`;
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

const onlyKeys = (m: SilenceMatchers, keys: string[]) =>
  Object.keys(m.labels ?? {}).length === 0 &&
  (["hostId", "check"] as const).every((k) => (m[k] !== undefined) === keys.includes(k));

/**
 * True for an open alert that one of the (active) silences matches. Per-host silences (what a bulk
 * silence creates, possibly thousands) become one `= any(array)` each way, not thousands of ORs.
 */
export function silencedSql(active: readonly Silence[]): SQL {
  if (active.length === 0) return sql`false`;
  const hostOnly: string[] = [];
  const hostCheck: string[] = [];
  const rest: SQL[] = [];
  for (const s of active) {
    const m = s.matchers;
    if (m.hostId !== undefined && onlyKeys(m, ["hostId"])) hostOnly.push(m.hostId);
    else if (m.hostId !== undefined && m.check !== undefined && onlyKeys(m, ["hostId", "check"]))
      hostCheck.push(`${m.hostId}\u001f${m.check}`);
    else rest.push(matchersSql(m));
  }
  if (hostOnly.length > 0) rest.push(sql`${alerts.hostId} in (${list(hostOnly)})`);
  // chr(31), the unit separator, never occurs in a host id or a check id
  if (hostCheck.length > 0)
    rest.push(sql`(${alerts.hostId} || chr(31) || ${checkExpr}) in (${list(hostCheck)})`);
  return sql`(${alerts.resolvedAt} is null and (${sql.join(rest, sql` or `)}))`;
}
