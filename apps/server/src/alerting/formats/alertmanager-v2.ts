/**
 * Alertmanager's own API: `POST /api/v2/alerts` with an array of postable alerts, so its routing,
 * grouping, inhibition and silences apply (https://github.com/prometheus/alertmanager api/v2/openapi.yaml
 * `postableAlerts`).
 *
 * Alertmanager resolves an alert by itself at `endsAt`. A firing alert is sent with `endsAt` two
 * reminder caps ahead (48 h by default): kdumpwatch re-sends it at least once per cap while it fires,
 * and sends the real `endsAt` when it resolves; if kdumpwatch disappeared, Alertmanager would let the
 * alert lapse rather than keep it forever.
 */
import type { Notification } from "../alert-types.ts";
import {
  annotationRecord,
  hostPageUrl,
  labelRecord,
  type RenderContext,
  type RenderedRequest,
} from "./render-context.ts";

export const FIRING_TTL_MS = 48 * 3600_000;

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export function renderAlertmanagerV2(n: Notification, ctx: RenderContext): RenderedRequest {
  const firingEnd = new Date(ctx.now.getTime() + FIRING_TTL_MS).toISOString();
  const alerts: PostableAlert[] = n.items.map((item) => ({
    labels: labelRecord(item),
    annotations: annotationRecord(item),
    startsAt: item.startsAt,
    endsAt: item.kind === "resolved" && item.endsAt !== null ? item.endsAt : firingEnd,
    generatorURL: hostPageUrl(ctx.publicUrl, item.labels.host_id),
  }));
  return { body: JSON.stringify(alerts), contentType: "application/json" };
}
