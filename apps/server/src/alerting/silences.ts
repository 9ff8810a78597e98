/**
 * Silences: pure matching. A silence holds back firing notifications and reminders of the alerts it
 * matches until it expires (resolves of alerts a receiver already heard about still go out). It
 * matches by host, by check, by any alert label (alertname, host, host_id, check, severity, dump),
 * or a combination: every given matcher must match.
 */
import type { AlertLabels } from "./alert-types.ts";

export interface SilenceMatchers {
  hostId?: string;
  check?: string;
  labels?: Readonly<Record<string, string>>;
}

export interface Silence {
  id: string;
  matchers: SilenceMatchers;
  reason: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

function isSilenceActive(s: Pick<Silence, "expiresAt">, now: Date): boolean {
  return s.expiresAt.getTime() > now.getTime();
}

export function silenceMatches(m: SilenceMatchers, labels: AlertLabels): boolean {
  let any = false;
  if (m.hostId !== undefined) {
    if (m.hostId !== labels.host_id) return false;
    any = true;
  }
  if (m.check !== undefined) {
    if (m.check !== labels.check) return false;
    any = true;
  }
  if (m.labels !== undefined) {
    const own: Readonly<Record<string, string | undefined>> = labels;
    for (const [name, value] of Object.entries(m.labels)) {
      if (own[name] !== value) return false;
      any = true;
    }
  }
  // a silence without matchers would silence everything: refused at the API, never matches here
  return any;
}

/** The active silences that match, soonest-expiring last. */
export function matchingSilences(silences: readonly Silence[], labels: AlertLabels, now: Date): Silence[] {
  return silences
    .filter((s) => isSilenceActive(s, now) && silenceMatches(s.matchers, labels))
    .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
}

export function isSilenced(silences: readonly Silence[], labels: AlertLabels, now: Date): boolean {
  return silences.some((s) => isSilenceActive(s, now) && silenceMatches(s.matchers, labels));
}
