/**
 * Alerting settings (product.md §4, §6), interpreted from the raw values config.ts accepts:
 * KDUMPWATCH_ALERT_WEBHOOKS, KDUMPWATCH_WEBHOOK_SECRET, KDUMPWATCH_ALERT_HOLD,
 * KDUMPWATCH_ALERT_GROUP_WAIT (seconds), KDUMPWATCH_PUBLIC_URL (links in messages),
 * KDUMPWATCH_ALERT_INHIBIT (root cause → consequence rules), KDUMPWATCH_WEBHOOK_MAX_ALERTS.
 * Problems name the variable, and the server refuses to start with them.
 */
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from "./backoff.ts";
import { type InhibitRule, parseInhibitRules } from "./inhibition.ts";
import { parseReceivers, type Receiver } from "./receivers.ts";

export interface RawAlertingSettings {
  webhooks: string | undefined;
  webhookSecret: string | undefined;
  hold: string | undefined;
  groupWait: string | undefined;
  publicUrl?: string | undefined;
  inhibit?: string | undefined;
  webhookMaxAlerts?: string | undefined;
}

export interface AlertingConfig {
  receivers: Receiver[];
  secret: string | null;
  holdMs: number;
  groupWaitMs: number;
  /** base of the links in messages; null = the server's own URL */
  publicUrl: string | null;
  reminders: ReminderPolicy;
  /** root cause → consequence on one host (inhibition.ts); [] = off */
  inhibitRules: InhibitRule[];
  /** alerts listed in one generic-webhook notification (Alertmanager's max_alerts); 0 = all */
  webhookMaxAlerts: number;
}

export const DEFAULT_HOLD_SEC = 60;
export const DEFAULT_GROUP_WAIT_SEC = 30;
/** a group of 100,000 hosts would otherwise be a ~50 MB request; the rest is counted in truncatedAlerts */
const DEFAULT_WEBHOOK_MAX_ALERTS = 1000;
const MAX_SEC = 86_400;

export type AlertingConfigResult = { ok: true; config: AlertingConfig } | { ok: false; problems: string[] };

export function parseAlertingConfig(raw: RawAlertingSettings): AlertingConfigResult {
  const problems: string[] = [];
  const receivers = parseReceivers(raw.webhooks);
  if (!receivers.ok) problems.push(receivers.error);
  const holdSec = seconds("KDUMPWATCH_ALERT_HOLD", raw.hold, DEFAULT_HOLD_SEC, problems);
  const groupSec = seconds("KDUMPWATCH_ALERT_GROUP_WAIT", raw.groupWait, DEFAULT_GROUP_WAIT_SEC, problems);
  let publicUrl: string | null = null;
  const pu = raw.publicUrl?.trim();
  if (pu) {
    try {
      const u = new URL(pu);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
      publicUrl = u.toString().replace(/\/+$/, "");
    } catch {
      problems.push(`KDUMPWATCH_PUBLIC_URL: expected an http(s) URL, got ${JSON.stringify(pu)}`);
    }
  }
  const inhibit = parseInhibitRules(raw.inhibit);
  if (!inhibit.ok) problems.push(inhibit.error);
  const maxAlerts = wholeNumber(
    "KDUMPWATCH_WEBHOOK_MAX_ALERTS",
    raw.webhookMaxAlerts,
    DEFAULT_WEBHOOK_MAX_ALERTS,
    1_000_000,
    problems,
  );
  const secret = raw.webhookSecret?.trim() ? raw.webhookSecret : null;
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      receivers: receivers.ok ? receivers.receivers : [],
      secret,
      holdMs: holdSec * 1000,
      groupWaitMs: groupSec * 1000,
      publicUrl,
      reminders: DEFAULT_REMINDER_POLICY,
      inhibitRules: inhibit.ok ? inhibit.rules : [],
      webhookMaxAlerts: maxAlerts,
    },
  };
}

function seconds(name: string, value: string | undefined, fallback: number, problems: string[]): number {
  const v = value?.trim();
  if (!v) return fallback;
  if (!/^\d+$/.test(v) || Number(v) > MAX_SEC) {
    problems.push(`${name}: expected whole seconds between 0 and ${MAX_SEC}, got ${JSON.stringify(value)}`);
    return fallback;
  }
  return Number(v);
}

function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  max: number,
  problems: string[],
): number {
  const v = value?.trim();
  if (!v) return fallback;
  if (!/^\d+$/.test(v) || Number(v) > max) {
    problems.push(`${name}: expected a whole number between 0 and ${max}, got ${JSON.stringify(value)}`);
    return fallback;
  }
  return Number(v);
}
