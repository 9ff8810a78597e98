/**
 * The generic webhook body: Alertmanager's webhook JSON, version "4"
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), so receivers written
 * for Alertmanager (PagerDuty/OpsGenie bridges, custom handlers) accept kdumpwatch as it is.
 *
 *   { "version": "4", "groupKey": "{}:{alertname=\"KdumpCheckFailing\", check=\"kdump.loaded\"}",
 *     "truncatedAlerts": 0, "status": "firing", "groupLabels": {"alertname": …, "check": …},
 *     "alerts": [{ "status": "firing", "labels": {…}, "annotations": {…}, "startsAt": …,
 *                  "fingerprint": "<FNV-1a 64 of the labels, as Alertmanager computes it>", … }] }
 */
import type { Notification } from "../alert-types.ts";
import { rootGroupKey } from "./alertmanager-model.ts";
import { groupView } from "./group-view.ts";
import {
  annotationRecord,
  hostPageUrl,
  labelRecord,
  type RenderContext,
  type RenderedRequest,
} from "./render-context.ts";

/** Go's zero time: what Alertmanager puts in `endsAt` of an alert that has not ended. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

interface AlertmanagerWebhookAlert {
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

/**
 * The group's whole state (formats/group-view.ts), at most `webhookMaxAlerts` alerts (Alertmanager
 * truncates after sorting and counts the rest in `truncatedAlerts`, notify/webhook/webhook.go).
 * commonLabels and commonAnnotations are computed over the alerts sent, as Alertmanager's
 * template.Data does over the truncated list; the status is the whole group's (Alertmanager would
 * take it from the truncated list too, and could say "resolved" while alerts cut off still fire).
 */
export function renderAlertmanagerWebhook(n: Notification, ctx: RenderContext): RenderedRequest {
  const view = groupView(n);
  const max = ctx.webhookMaxAlerts ?? 0;
  const shown = max > 0 ? view.alerts.slice(0, max) : view.alerts;
  const alerts: AlertmanagerWebhookAlert[] = shown.map(({ item, status, fingerprint }) => ({
    status,
    labels: labelRecord(item),
    annotations: annotationRecord(item),
    startsAt: item.startsAt,
    endsAt: status === "resolved" && item.endsAt !== null ? item.endsAt : ZERO_TIME,
    generatorURL: hostPageUrl(ctx.publicUrl, item.labels.host_id),
    fingerprint,
  }));
  const groupLabels = { alertname: n.alertname, check: n.check };
  const body: AlertmanagerWebhookBody = {
    version: "4",
    groupKey: rootGroupKey(groupLabels),
    truncatedAlerts: Math.max(0, view.total - alerts.length),
    status: view.status,
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
