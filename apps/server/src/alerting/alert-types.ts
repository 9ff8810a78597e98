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
  "KdumpIngestFailing",
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

const SEVERITIES = ["critical", "warning"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `check` label of the alerts that are not about one check of the catalogue. */
export const STALE_CHECK = "host.stale";
export const DUPLICATE_CHECK = "host.duplicate-machine-id";
export const DUMP_CHECK = "crash.dumps";
/** defined once, in the protocol: the dashboard shows the same mark */
export { INGEST_FAILING_CHECK } from "@kdumpwatch/protocol";

export const SEVERITY_OF: Readonly<Record<AlertName, Severity>> = {
  KdumpCheckFailing: "critical",
  KdumpHostStale: "warning",
  KdumpDuplicateMachineId: "warning",
  KdumpCrashDumpFound: "warning",
  KdumpIngestFailing: "warning",
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

/** A check failing because of the alert's own (inhibited by it, see inhibition.ts). */
export interface Consequence {
  check: string;
  summary: string;
}

/** What a receiver is told about one alert, besides its status and times. */
export interface AlertDescription {
  hostname: string;
  summary: string;
  /** commands or steps, one per line; "" when there is nothing to run */
  remediation: string;
  /** the host's labels (team, site…) when the alert was last described; frozen once it paged */
  hostLabels?: Readonly<Record<string, string>>;
  /** checks failing as a consequence of this one, whose own alerts it inhibits */
  consequences?: readonly Consequence[];
}

/**
 * Labels a receiver routes and silences on (Alertmanager's model): the host's own labels
 * (labels.ts refuses the names below, so they can neither hide nor forge them) plus these.
 */
export type AlertLabels = Readonly<Record<string, string>> & {
  alertname: AlertName;
  host: string;
  host_id: string;
  check: string;
  severity: Severity;
  dump?: string;
};

export function alertLabels(
  key: AlertKey,
  hostname: string,
  hostLabels: Readonly<Record<string, string>> = {},
): AlertLabels {
  const labels: AlertLabels = {
    ...hostLabels,
    alertname: key.alertname,
    host: hostname,
    // hostnames repeat (clones, duplicate machine-ids): the id keeps two hosts two alerts downstream
    host_id: key.hostId,
    check: key.check,
    severity: SEVERITY_OF[key.alertname],
  };
  if (key.alertname === "KdumpCrashDumpFound" && key.subject !== "") return { ...labels, dump: key.subject };
  return labels;
}

/** The `consequences` annotation: one line per check failing because of this one. */
export function consequencesText(consequences: readonly Consequence[] | undefined): string {
  return (consequences ?? []).map((c) => `${c.check}: ${c.summary}`).join("\n");
}

const NOTIFY_KINDS = ["firing", "reminder", "resolved"] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** One alert inside a notification, frozen at the moment the state machine decided to send it. */
export interface NotificationItem {
  alertId: string;
  kind: NotifyKind;
  labels: AlertLabels;
  /** `consequences`: the checks this one's failure explains (their alerts are inhibited) */
  annotations: { summary: string; remediation: string; consequences?: string };
  /** ISO-8601: when the condition began (the alert's "failing since") */
  startsAt: string;
  /** ISO-8601 when resolved, else null */
  endsAt: string | null;
}

/**
 * The group's state when a notification is delivered (Alertmanager sends each notification with
 * every alert of the group, firing and just resolved): read from the alerts at delivery time.
 */
export interface GroupState {
  /** alerts of the group firing now that a receiver heard of, at most the receiver's limit */
  firing: NotificationItem[];
  /** how many alerts of the group fire now, beyond the limit too */
  firingTotal: number;
  /** the alert ids among this notification's items that still fire */
  stillFiring: readonly string[];
}

/**
 * A notification as receivers get it: one group (alertname × check), its changes (`items`: the
 * alerts that fired, were reminded of or resolved within the group wait) and, once claimed for
 * delivery, the group's current state.
 */
export interface Notification {
  id: string;
  groupKey: string;
  /** of the change that opened it; the status receivers see is the group's (formats/group-view.ts) */
  status: "firing" | "resolved";
  alertname: AlertName;
  check: string;
  /** ISO-8601: when the group was opened */
  createdAt: string;
  items: NotificationItem[];
  /** absent when the store does not read it (then the items are the whole group) */
  state?: GroupState;
}
