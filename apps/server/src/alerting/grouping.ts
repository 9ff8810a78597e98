/**
 * Grouping (product.md §6): alerts of the same kind and check that start within the group wait go
 * out as ONE notification listing every host, so 300 hosts losing their reservation after one kernel
 * update make one message, not 300. Pure decisions; the store applies them in the same transaction
 * as the alert change (pg-store.ts).
 *
 * A group opens with its first alert and is delivered `groupWait` later; alerts with the same group
 * key join it until then. As in Alertmanager, a group is one alertname × check: firing, reminders
 * and resolves share it, and every notification carries the group's whole current state (the
 * store reads it when the notification is claimed for delivery; formats/group-view.ts).
 */
import type { AlertName, NotificationItem, NotifyKind } from "./alert-types.ts";

export interface GroupSpec {
  groupKey: string;
  status: "firing" | "resolved";
  alertname: AlertName;
  check: string;
}

export function groupOf(kind: NotifyKind, alertname: AlertName, check: string): GroupSpec {
  const status = kind === "resolved" ? "resolved" : "firing";
  return { groupKey: `${alertname}/${check}`, status, alertname, check };
}

export function groupOfItem(item: Pick<NotificationItem, "kind" | "labels">): GroupSpec {
  return groupOf(item.kind, item.labels.alertname, item.labels.check);
}

/** The open (not yet delivered) group with the same key, if any. */
export interface OpenGroup {
  id: string;
  deliverAt: Date;
}

export type EnqueuePlan =
  | { action: "join"; groupId: string }
  /** open a new group; `seal` names an open group whose window is over, to close first */
  | { action: "open"; deliverAt: Date; seal: string | null };

export function planEnqueue(open: OpenGroup | null, now: Date, groupWaitMs: number): EnqueuePlan {
  if (open !== null && open.deliverAt.getTime() > now.getTime()) return { action: "join", groupId: open.id };
  return {
    action: "open",
    deliverAt: new Date(now.getTime() + groupWaitMs),
    seal: open === null ? null : open.id,
  };
}
