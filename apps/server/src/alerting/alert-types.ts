/**
 * The vocabulary of alerting (docs/alerting.md, product.md §6): what an alert is about, how it is
 * labelled for receivers, and the notifications the state machine asks to send.
 *
 * Alert names and the synthetic check ids below are shown to receivers and matched by their routing
 * rules and silences: like check ids, once shipped they never change meaning.
 */
export const ALERT_NAMES = [
  "KdumpCheckFailing",
  "KdumpHostStale",
  "KdumpDuplicateMachineId",
  "KdumpCrashDumpFound",
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

export const SEVERITIES = ["critical", "warning"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `check` label of the alerts that are not about one check of the catalogue. */
export const STALE_CHECK = "host.stale";
export const DUPLICATE_CHECK = "host.duplicate-machine-id";
export const DUMP_CHECK = "crash.dumps";

export const SEVERITY_OF: Readonly<Record<AlertName, Severity>> = {
  KdumpCheckFailing: "critical",
  KdumpHostStale: "warning",
  KdumpDuplicateMachineId: "warning",
  KdumpCrashDumpFound: "warning",
};

/**
 * Identity of one alert: one per (host, alertname, check, subject). `subject` tells apart several
 * alerts of one kind on one host (the dump directory name for KdumpCrashDumpFound); "" otherwise.
 */
export interface AlertKey {
  hostId: string;
  alertname: AlertName;
  check: string;
  subject: string;
}

export function alertKeyString(k: AlertKey): string {
  return `${k.hostId}\u0000${k.alertname}\u0000${k.check}\u0000${k.subject}`;
}

/** What a receiver is told about one alert, besides its status and times. */
export interface AlertDescription {
  hostname: string;
  summary: string;
  /** commands or steps, one per line; "" when there is nothing to run */
  remediation: string;
}

/** Labels a receiver routes and silences on (Alertmanager's model). */
export type AlertLabels = {
  alertname: AlertName;
  host: string;
  host_id: string;
  check: string;
  severity: Severity;
  dump?: string;
};

export function alertLabels(key: AlertKey, hostname: string): AlertLabels {
  const labels: AlertLabels = {
    alertname: key.alertname,
    host: hostname,
    // hostnames repeat (clones, duplicate machine-ids): the id keeps two hosts two alerts downstream
    host_id: key.hostId,
    check: key.check,
    severity: SEVERITY_OF[key.alertname],
  };
  if (key.alertname === "KdumpCrashDumpFound" && key.subject !== "") labels.dump = key.subject;
  return labels;
}

export const NOTIFY_KINDS = ["firing", "reminder", "resolved"] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** One alert inside a notification, frozen at the moment the state machine decided to send it. */
export interface NotificationItem {
  alertId: string;
  kind: NotifyKind;
  labels: AlertLabels;
  annotations: { summary: string; remediation: string };
  /** ISO-8601: when the condition began (the alert's "failing since") */
  startsAt: string;
  /** ISO-8601 when resolved, else null */
  endsAt: string | null;
}

/** A notification as receivers get it: one group, one status, one or many alerts. */
export interface Notification {
  id: string;
  groupKey: string;
  status: "firing" | "resolved";
  alertname: AlertName;
  check: string;
  /** ISO-8601: when the group was opened */
  createdAt: string;
  items: NotificationItem[];
}
