/**
 * The current state of a notification's group (alertname × check), read when the notification is
 * claimed for delivery: the alerts of the group firing now that receivers heard of (an alert held
 * back by a silence or by inhibition never paged, so it is not listed), at most `limit` of them,
 * how many there are in all, and which of the notification's own alerts still fire.
 */
import { alerts, and, asc, eq, inArray, isNull, sql } from "@kdumpwatch/db";
import type { Queryable } from "./alert-store.ts";
import { descriptionOfRow, keyOfRow } from "./alert-store.ts";
import { alertLabels, consequencesText, type GroupState, type NotificationItem } from "./alert-types.ts";

export async function readGroupState(
  tx: Queryable,
  group: { alertname: string; check: string },
  itemAlertIds: readonly string[],
  limit: number | null,
): Promise<GroupState> {
  const firing = and(
    eq(alerts.alertname, group.alertname),
    eq(alerts.checkId, group.check),
    isNull(alerts.resolvedAt),
    eq(alerts.notified, true),
    inArray(alerts.state, ["firing", "clearing"]),
  );
  const [counted] = await tx.select({ n: sql<number>`count(*)::int` }).from(alerts).where(firing);
  const base = tx
    .select()
    .from(alerts)
    .where(firing)
    .orderBy(asc(sql`${alerts.details}->>'hostname'`), asc(alerts.id));
  const rows = limit === null ? await base : await base.limit(limit);
  const ids = itemAlertIds.map(Number).filter(Number.isSafeInteger);
  const still =
    ids.length === 0
      ? []
      : await tx
          .select({ id: alerts.id })
          .from(alerts)
          .where(and(firing, inArray(alerts.id, [...new Set(ids)])));
  return {
    firing: rows.map((row): NotificationItem => {
      const d = descriptionOfRow(row);
      const consequences = consequencesText(d.consequences);
      return {
        alertId: String(row.id),
        kind: "firing",
        labels: alertLabels(keyOfRow(row), d.hostname, d.hostLabels),
        annotations: {
          summary: d.summary,
          remediation: d.remediation,
          ...(consequences === "" ? {} : { consequences }),
        },
        startsAt: row.openedAt.toISOString(),
        endsAt: null,
      };
    }),
    firingTotal: Number(counted?.n ?? 0),
    stillFiring: still.map((r) => String(r.id)),
  };
}
