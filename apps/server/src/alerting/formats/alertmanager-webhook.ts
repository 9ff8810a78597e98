/**
 * The generic webhook body: Alertmanager's webhook JSON, version "4"
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), so receivers written
 * for Alertmanager (PagerDuty/OpsGenie bridges, custom handlers) accept kdumpwatch as it is.
 *
 *   { "version": "4", "status": "firing", "groupLabels": {"alertname": …, "check": …},
 *     "alerts": [{ "status": "firing", "labels": {…}, "annotations": {…}, "startsAt": …, … }] }
 */
import type { Notification } from "../alert-types.ts";
import {
  annotationRecord,
  fingerprint,
  hostPageUrl,
  labelRecord,
  type RenderContext,
  type RenderedRequest,
} from "./render-context.ts";

/** Go's zero time: what Alertmanager puts in `endsAt` of an alert that has not ended. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

export interface AlertmanagerWebhookAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerWebhookBody {
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerWebhookAlert[];
}

export function renderAlertmanagerWebhook(n: Notification, ctx: RenderContext): RenderedRequest {
  const alerts: AlertmanagerWebhookAlert[] = n.items.map((item) => ({
    status: item.kind === "resolved" ? "resolved" : "firing",
    labels: labelRecord(item),
    annotations: annotationRecord(item),
    startsAt: item.startsAt,
    endsAt: item.endsAt ?? ZERO_TIME,
    generatorURL: hostPageUrl(ctx.publicUrl, item.labels.host_id),
    fingerprint: fingerprint(item),
  }));
  const groupLabels = { alertname: n.alertname, check: n.check };
  const body: AlertmanagerWebhookBody = {
    version: "4",
    groupKey: `{}:{alertname=${JSON.stringify(n.alertname)}, check=${JSON.stringify(n.check)}}`,
    truncatedAlerts: 0,
    status: n.status,
    receiver: "kdumpwatch",
    groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: ctx.publicUrl.replace(/\/+$/, ""),
    alerts,
  };
  return { body: JSON.stringify(body), contentType: "application/json" };
}

/** The key/value pairs every record shares (Alertmanager's commonLabels/commonAnnotations). */
function common(records: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = records;
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((r) => r[k] === v)) out[k] = v;
  return out;
}
