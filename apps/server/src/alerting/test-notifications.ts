/** Builders of notifications for the alerting tests (not shipped: only *.test.ts import it). */
import {
  type AlertKey,
  alertLabels,
  type Notification,
  type NotificationItem,
  type NotifyKind,
} from "./alert-types.ts";
import { groupOf } from "./grouping.ts";

export function testItem(
  hostId: string,
  hostname: string,
  kind: NotifyKind = "firing",
  key: Partial<AlertKey> = {},
  hostLabels: Record<string, string> = {},
): NotificationItem {
  const k: AlertKey = {
    hostId,
    alertname: key.alertname ?? "KdumpCheckFailing",
    check: key.check ?? "crashkernel.reserved",
    subject: key.subject ?? "",
  };
  return {
    alertId: `a-${hostId}-${k.check}-${k.subject}`,
    kind,
    labels: alertLabels(k, hostname, hostLabels),
    annotations: {
      summary: "no memory is reserved for the crash kernel",
      remediation: "sudo update-grub\nsudo reboot",
    },
    startsAt: "2026-11-26T10:00:00.000Z",
    endsAt: kind === "resolved" ? "2026-11-26T11:00:00.000Z" : null,
  };
}

export function testNotification(items: NotificationItem[], id = "n1"): Notification {
  const first = items[0];
  if (first === undefined) throw new Error("testNotification needs an item");
  const g = groupOf(first.kind, first.labels.alertname, first.labels.check);
  return {
    id,
    groupKey: g.groupKey,
    status: g.status,
    alertname: g.alertname,
    check: g.check,
    createdAt: "2026-11-26T10:00:00.000Z",
    items,
  };
}
