/**
 * What a notification says about its group, the way Alertmanager flushes an aggregation group:
 * every alert of the group (those that fire now and those resolved since the last notification),
 * one entry per alert fingerprint, in Alertmanager's order, and the group's status — "resolved"
 * only when every one of its alerts is (alertmanager types/types.go Alerts.Status).
 */
import type { Notification, NotificationItem } from "../alert-types.ts";
import { compareAlertLabels, fingerprint } from "./alertmanager-model.ts";

export interface GroupAlert {
  item: NotificationItem;
  status: "firing" | "resolved";
  fingerprint: string;
}

export interface GroupView {
  status: "firing" | "resolved";
  /** every alert known in full, sorted (the firing ones may be limited by the store) */
  alerts: GroupAlert[];
  /** alerts of the group in all, listed or not */
  total: number;
  firing: number;
  resolved: number;
}

export function groupView(n: Notification): GroupView {
  // the latest change of each alert within this notification
  const latest = new Map<string, NotificationItem>();
  for (const item of n.items) latest.set(item.alertId, item);
  const changes = [...latest.values()];
  const state = n.state;
  const still = new Set(state?.stillFiring ?? []);
  const statusOf = (i: NotificationItem) =>
    (i.kind === "resolved" ? "resolved" : "firing") as GroupAlert["status"];

  const listed: NotificationItem[] = [...changes];
  for (const f of state?.firing ?? []) if (!latest.has(f.alertId)) listed.push(f);

  // one entry per fingerprint (a host can resolve and fire again within one group wait): firing wins
  const byFingerprint = new Map<string, GroupAlert>();
  for (const item of listed) {
    const a: GroupAlert = { item, status: statusOf(item), fingerprint: fingerprint(item.labels) };
    const seen = byFingerprint.get(a.fingerprint);
    if (seen === undefined || (seen.status === "resolved" && a.status === "firing"))
      byFingerprint.set(a.fingerprint, a);
  }
  const alerts = [...byFingerprint.values()].sort((a, b) => compareAlertLabels(a.item.labels, b.item.labels));

  let firing: number;
  let resolved: number;
  if (state === undefined) {
    firing = alerts.filter((a) => a.status === "firing").length;
    resolved = alerts.length - firing;
  } else {
    // firingTotal counts every firing alert of the group; add the changes it cannot contain
    const outside = changes.filter((i) => !still.has(i.alertId));
    firing = state.firingTotal + outside.filter((i) => statusOf(i) === "firing").length;
    resolved = outside.filter((i) => statusOf(i) === "resolved").length;
    // duplicates by fingerprint were listed once
    const listedDuplicates = listed.length - byFingerprint.size;
    resolved = Math.max(0, resolved - listedDuplicates);
  }
  return { status: firing > 0 ? "firing" : "resolved", alerts, total: firing + resolved, firing, resolved };
}
