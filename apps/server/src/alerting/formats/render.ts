/** Picks the body format of a receiver. */
import type { Notification } from "../alert-types.ts";
import type { ReceiverKind } from "../receivers.ts";
import { renderAlertmanagerV2 } from "./alertmanager-v2.ts";
import { renderAlertmanagerWebhook } from "./alertmanager-webhook.ts";
import type { RenderContext, RenderedRequest } from "./render-context.ts";
import { renderSlack } from "./slack.ts";

export function renderNotification(kind: ReceiverKind, n: Notification, ctx: RenderContext): RenderedRequest {
  switch (kind) {
    case "webhook":
      return renderAlertmanagerWebhook(n, ctx);
    case "slack":
      return renderSlack(n, ctx);
    case "alertmanager":
      return renderAlertmanagerV2(n, ctx);
  }
}
