/**
 * What every format needs besides the notification: where links point, and the time of sending
 * (Alertmanager v2 needs an `endsAt` in the future for a firing alert).
 */
import type { NotificationItem } from "../alert-types.ts";

export interface RenderContext {
  /** KDUMPWATCH_PUBLIC_URL, else the server's own URL; no trailing slash needed */
  publicUrl: string;
  now: Date;
  /** generic webhook: alerts listed per notification (0 = all; KDUMPWATCH_WEBHOOK_MAX_ALERTS) */
  webhookMaxAlerts?: number;
}

export interface RenderedRequest {
  body: string;
  contentType: string;
}

/** The dashboard's host page for an alert (its `generatorURL`). */
export function hostPageUrl(publicUrl: string, hostId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/#/hosts/${encodeURIComponent(hostId)}`;
}

/** The host page with the failing check picked out: where the host's own fix is. */
export function hostFixUrl(publicUrl: string, hostId: string, check: string): string {
  return `${hostPageUrl(publicUrl, hostId)}?check=${encodeURIComponent(check)}`;
}

/** Labels as a plain string record, without absent optional labels. */
export function labelRecord(item: NotificationItem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.labels)) if (typeof v === "string") out[k] = v;
  return out;
}

export function annotationRecord(item: NotificationItem): Record<string, string> {
  const out: Record<string, string> = { summary: item.annotations.summary };
  if (item.annotations.remediation !== "") out.remediation = item.annotations.remediation;
  if (item.annotations.consequences) out.consequences = item.annotations.consequences;
  return out;
}
