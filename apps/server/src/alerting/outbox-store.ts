/**
 * The outbox in PostgreSQL. `enqueueNotification` runs in the transaction of the alert change, so a
 * notification exists exactly when the change committed; `PgOutboxStore` is what the dispatcher
 * claims from. Grouping follows grouping.ts: an open notification per group key collects alerts
 * until its deliver time, then the first claim seals it.
 */
import {
  alertNotificationItems,
  alertNotifications,
  alertOutbox,
  and,
  asc,
  type Db,
  eq,
  inArray,
  isNotNull,
  isNull,
  lt,
  not,
  or,
  sql,
} from "@kdumpwatch/db";
import type { Queryable } from "./alert-store.ts";
import type { AlertName, Notification, NotificationItem } from "./alert-types.ts";
import type { ClaimedDelivery, OutboxStore } from "./dispatcher.ts";
import { readGroupState } from "./group-state-store.ts";
import { groupOfItem, planEnqueue } from "./grouping.ts";
import type { Receiver } from "./receivers.ts";

/** Adds one alert's notification to its open group, or opens a group with one outbox row per receiver. */
export async function enqueueNotification(
  tx: Queryable,
  item: NotificationItem,
  now: Date,
  groupWaitMs: number,
  receivers: readonly Receiver[],
): Promise<void> {
  if (receivers.length === 0) return;
  const spec = groupOfItem(item);
  // two attempts: a concurrent transaction may open the same group between our look and our insert
  for (let attempt = 0; attempt < 3; attempt++) {
    const [open] = await tx
      .select({ id: alertNotifications.id, deliverAt: alertNotifications.deliverAt })
      .from(alertNotifications)
      .where(and(eq(alertNotifications.groupKey, spec.groupKey), isNull(alertNotifications.sealedAt)))
      .for("update");
    const plan = planEnqueue(
      open ? { id: String(open.id), deliverAt: open.deliverAt } : null,
      now,
      groupWaitMs,
    );
    if (plan.action === "join") {
      await tx
        .insert(alertNotificationItems)
        .values({ notificationId: Number(plan.groupId), alertId: Number(item.alertId), item });
      return;
    }
    if (plan.seal !== null) {
      await tx
        .update(alertNotifications)
        .set({ sealedAt: now })
        .where(eq(alertNotifications.id, Number(plan.seal)));
    }
    const [created] = await tx
      .insert(alertNotifications)
      .values({
        groupKey: spec.groupKey,
        status: spec.status,
        alertname: spec.alertname,
        checkId: spec.check,
        createdAt: now,
        deliverAt: plan.deliverAt,
      })
      .onConflictDoNothing()
      .returning({ id: alertNotifications.id });
    if (created === undefined) continue;
    await tx
      .insert(alertNotificationItems)
      .values({ notificationId: created.id, alertId: Number(item.alertId), item });
    await tx.insert(alertOutbox).values(
      receivers.map((r) => ({
        target: r.id,
        payload: { receiver: r.name },
        createdAt: now,
        nextAttemptAt: plan.deliverAt,
        notificationId: created.id,
      })),
    );
    // wake the dispatcher (same process or another) once this commits
    await tx.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
    return;
  }
  throw new Error(`alerting: could not open a notification group for ${spec.groupKey}`);
}

/** NOTIFY channel that wakes the dispatcher when a notification is committed. */
const OUTBOX_CHANNEL = "kdumpwatch_alert_outbox";

export class PgOutboxStore implements OutboxStore {
  constructor(private readonly db: Db) {}

  async claimNext(
    receiverId: string,
    now: Date,
    leaseUntil: Date,
    stateLimit: number | null = 0,
  ): Promise<ClaimedDelivery | null> {
    return this.db.transaction(async (tx) => {
      // strict order per receiver: only the oldest pending row may go
      const [head] = await tx
        .select()
        .from(alertOutbox)
        .where(
          and(
            eq(alertOutbox.target, receiverId),
            isNull(alertOutbox.deliveredAt),
            isNull(alertOutbox.droppedAt),
          ),
        )
        .orderBy(asc(alertOutbox.id))
        .limit(1)
        .for("update");
      if (head === undefined || head.notificationId === null) return null;
      if (head.nextAttemptAt.getTime() > now.getTime()) return null;
      if (head.leasedUntil !== null && head.leasedUntil.getTime() > now.getTime()) return null;
      await tx.update(alertOutbox).set({ leasedUntil: leaseUntil }).where(eq(alertOutbox.id, head.id));
      // seal first (waits for any transaction still adding to it), then read the frozen content
      await tx
        .update(alertNotifications)
        .set({ sealedAt: now })
        .where(and(eq(alertNotifications.id, head.notificationId), isNull(alertNotifications.sealedAt)));
      const [n] = await tx
        .select()
        .from(alertNotifications)
        .where(eq(alertNotifications.id, head.notificationId));
      if (n === undefined) return null;
      const items = await tx
        .select({ item: alertNotificationItems.item })
        .from(alertNotificationItems)
        .where(eq(alertNotificationItems.notificationId, n.id))
        .orderBy(asc(alertNotificationItems.id));
      const notification: Notification = {
        id: String(n.id),
        groupKey: n.groupKey,
        status: n.status === "resolved" ? "resolved" : "firing",
        alertname: n.alertname as AlertName,
        check: n.checkId,
        createdAt: n.createdAt.toISOString(),
        items: items.map((i) => i.item as NotificationItem),
      };
      if (stateLimit !== 0) {
        notification.state = await readGroupState(
          tx,
          { alertname: n.alertname, check: n.checkId },
          notification.items.map((i) => i.alertId),
          stateLimit,
        );
      }
      return { id: String(head.id), receiverId, attempts: head.attempts, notification };
    });
  }

  async markDelivered(id: string, now: Date): Promise<void> {
    await this.db
      .update(alertOutbox)
      .set({ deliveredAt: now, leasedUntil: null, lastError: null })
      .where(eq(alertOutbox.id, Number(id)));
  }

  async markFailed(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    await this.db
      .update(alertOutbox)
      .set({ attempts, nextAttemptAt, lastError: error.slice(0, 500), leasedUntil: null })
      .where(eq(alertOutbox.id, Number(id)));
  }

  async dropUnknownReceivers(knownIds: readonly string[], now: Date): Promise<number> {
    const pending = and(isNull(alertOutbox.deliveredAt), isNull(alertOutbox.droppedAt));
    const where =
      knownIds.length === 0 ? pending : and(pending, not(inArray(alertOutbox.target, [...knownIds])));
    const rows = await this.db
      .update(alertOutbox)
      .set({ droppedAt: now })
      .where(where)
      .returning({ id: alertOutbox.id });
    return rows.length;
  }
}

/** Deletes delivered or dropped notifications older than `before` (their items and rows go along). */
export async function pruneOutbox(db: Db, before: Date): Promise<void> {
  const stillPending = db
    .select({ id: alertOutbox.notificationId })
    .from(alertOutbox)
    .where(
      and(
        isNull(alertOutbox.deliveredAt),
        isNull(alertOutbox.droppedAt),
        isNotNull(alertOutbox.notificationId),
      ),
    );
  await db
    .delete(alertNotifications)
    .where(
      and(
        lt(alertNotifications.createdAt, before),
        not(inArray(alertNotifications.id, stillPending)),
        or(isNull(alertNotifications.sealedAt), lt(alertNotifications.sealedAt, before)),
      ),
    );
}

/** Undelivered (not accepted, not dropped) notifications per receiver and the oldest one's creation. */
export async function outboxDepth(
  db: Db,
): Promise<Array<{ target: string; pending: number; oldestAt: Date | null }>> {
  const rows = await db
    .select({
      target: alertOutbox.target,
      pending: sql<number>`count(*)::int`,
      oldestAt: sql<string | Date | null>`min(${alertOutbox.createdAt})`,
    })
    .from(alertOutbox)
    .where(and(isNull(alertOutbox.deliveredAt), isNull(alertOutbox.droppedAt)))
    .groupBy(alertOutbox.target);
  return rows.map((r) => ({
    target: r.target,
    pending: Number(r.pending),
    oldestAt: r.oldestAt === null ? null : new Date(r.oldestAt),
  }));
}
