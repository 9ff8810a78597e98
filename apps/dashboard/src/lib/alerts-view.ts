/**
 * Words and small pure helpers for the alerts page and the host page's alert panel
 * (docs/alerting.md): what each alert kind and state is called, how a silence reads, and the
 * silence form's checks. The server re-validates everything (protocol SilenceCreateSchema).
 */
import type { Alert, AlertState, Silence, SilenceCreateInput } from "@kdumpwatch/protocol";

export const ALERT_KIND_LABELS: Record<string, string> = {
  KdumpCheckFailing: "Critical check failing",
  KdumpHostStale: "Not reporting",
  KdumpDuplicateMachineId: "Duplicate machine-id",
  KdumpCrashDumpFound: "New crash dump",
  KdumpIngestFailing: "Evidence not stored",
};

export const ALERT_STATE_LABELS: Record<AlertState, string> = {
  firing: "Firing",
  clearing: "Clearing",
  pending: "Pending",
  resolved: "Resolved",
};

export const ALERT_STATE_HINTS: Record<AlertState, string> = {
  firing: "The condition holds; receivers were notified (unless silenced).",
  clearing: "The condition cleared; the resolve is sent once it stays clear for the hold time.",
  pending: "The condition holds, but not yet for the hold time: nothing was sent.",
  resolved: "The condition cleared; a resolve was sent to receivers that had been notified.",
};

/** What the alert is about, in a few words: the check, or the kind for host-level alerts. */
export function alertSubject(a: Pick<Alert, "alertname" | "check" | "subject">): string {
  if (a.alertname === "KdumpCheckFailing") return a.check;
  if (a.alertname === "KdumpCrashDumpFound") return a.subject ? `dump ${a.subject}` : "crash dump";
  return ALERT_KIND_LABELS[a.alertname] ?? a.alertname;
}

export interface AlertCounts {
  firing: number;
  pending: number;
  clearing: number;
  resolved: number;
  silenced: number;
}

export function countAlerts(alerts: readonly Alert[]): AlertCounts {
  const c: AlertCounts = { firing: 0, pending: 0, clearing: 0, resolved: 0, silenced: 0 };
  for (const a of alerts) {
    c[a.state]++;
    if (a.state !== "resolved" && a.silencedBy.length > 0) c.silenced++;
  }
  return c;
}

/** "host 6e31… · check crashkernel.reserved · severity=warning" */
export function describeMatchers(
  m: Silence["matchers"],
  hostNames: ReadonlyMap<string, string> = new Map(),
): string {
  const parts: string[] = [];
  if (m.hostId !== undefined) parts.push(`host ${hostNames.get(m.hostId) ?? m.hostId}`);
  if (m.check !== undefined) parts.push(`check ${m.check}`);
  for (const [k, v] of Object.entries(m.labels ?? {})) parts.push(`${k}=${v}`);
  return parts.join(" · ");
}

export const SILENCE_DURATIONS = ["1h", "4h", "8h", "24h", "3d", "7d"] as const;

export interface SilenceForm {
  scope: "host" | "check" | "label";
  hostId: string;
  check: string;
  label: string;
  reason: string;
  createdBy: string;
  duration: string;
}

export function emptySilenceForm(): SilenceForm {
  return { scope: "check", hostId: "", check: "", label: "", reason: "", createdBy: "", duration: "8h" };
}

/** The request for a form, or what is missing. `label` is written `name=value`. */
export function silenceRequest(
  f: SilenceForm,
): { ok: true; body: SilenceCreateInput } | { ok: false; error: string } {
  const reason = f.reason.trim();
  if (reason === "") return { ok: false, error: "Say why (the reason is shown with the silence)." };
  let matchers: SilenceCreateInput["matchers"];
  if (f.scope === "host") {
    if (f.hostId.trim() === "") return { ok: false, error: "Choose the host to silence." };
    matchers = { hostId: f.hostId.trim() };
  } else if (f.scope === "check") {
    if (f.check.trim() === "") return { ok: false, error: "Choose the check to silence." };
    matchers = { check: f.check.trim() };
  } else {
    const m = /^\s*([a-z_][a-z0-9_]*)\s*=\s*(.+?)\s*$/.exec(f.label);
    if (m === null) return { ok: false, error: "Write the label as name=value, e.g. severity=warning." };
    matchers = { labels: { [m[1] as string]: m[2] as string } };
  }
  const body: SilenceCreateInput = { matchers, reason, duration: f.duration };
  if (f.createdBy.trim() !== "") body.createdBy = f.createdBy.trim();
  return { ok: true, body };
}
