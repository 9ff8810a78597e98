/**
 * What every format needs besides the notification: where links point, and the time of sending
 * (Alertmanager v2 needs an `endsAt` in the future for a firing alert).
 */
import { createHash } from "node:crypto";
import type { NotificationItem } from "../alert-types.ts";

export interface RenderContext {
  /** KDUMPWATCH_PUBLIC_URL, else the server's own URL; no trailing slash needed */
  publicUrl: string;
  now: Date;
}

export interface RenderedRequest {
  body: string;
  contentType: string;
}

/** The dashboard's host page for an alert (its `generatorURL`). */
export function hostPageUrl(publicUrl: string, hostId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/#/hosts/${encodeURIComponent(hostId)}`;
}

/** Stable id of an alert for receivers that deduplicate (Alertmanager's `fingerprint`). */
export function fingerprint(item: NotificationItem): string {
  const l = item.labels;
  return createHash("sha256")
    .update([l.alertname, l.host_id, l.check, l.dump ?? ""].join("\u0000"))
    .digest("hex")
    .slice(0, 16);
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
  return out;
}
