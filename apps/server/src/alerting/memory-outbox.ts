/**
 * An in-memory OutboxStore with the same grouping and ordering rules as the PostgreSQL one, for the
 * dispatcher's unit tests (not shipped: only *.test.ts import it).
 */
import type { Notification, NotificationItem } from "./alert-types.ts";
import type { ClaimedDelivery, OutboxStore } from "./dispatcher.ts";
import { groupOfItem, planEnqueue } from "./grouping.ts";

interface Group {
  notification: Notification;
  deliverAt: Date;
  sealed: boolean;
}

export interface MemoryRow {
  id: string;
  groupId: string;
  receiverId: string;
  attempts: number;
  nextAttemptAt: Date;
  leasedUntil: Date | null;
  deliveredAt: Date | null;
  droppedAt: Date | null;
  lastError: string | null;
}

export class MemoryOutbox implements OutboxStore {
  readonly groups = new Map<string, Group>();
  readonly rows: MemoryRow[] = [];
  #seq = 0;

  enqueue(item: NotificationItem, now: Date, groupWaitMs: number, receiverIds: readonly string[]): string {
    const spec = groupOfItem(item);
    const open = [...this.groups.entries()].find(
      ([, g]) => !g.sealed && g.notification.groupKey === spec.groupKey,
    );
    const plan = planEnqueue(open ? { id: open[0], deliverAt: open[1].deliverAt } : null, now, groupWaitMs);
    if (plan.action === "join") {
      this.groups.get(plan.groupId)?.notification.items.push(item);
      return plan.groupId;
    }
    if (plan.seal !== null) {
      const old = this.groups.get(plan.seal);
      if (old) old.sealed = true;
    }
    const id = `n${++this.#seq}`;
    this.groups.set(id, {
      notification: { id, ...spec, createdAt: now.toISOString(), items: [item] },
      deliverAt: plan.deliverAt,
      sealed: false,
    });
    for (const receiverId of receiverIds) {
      this.rows.push({
        id: `d${++this.#seq}`,
        groupId: id,
        receiverId,
        attempts: 0,
        nextAttemptAt: plan.deliverAt,
        leasedUntil: null,
        deliveredAt: null,
        droppedAt: null,
        lastError: null,
      });
    }
    return id;
  }

  async claimNext(receiverId: string, now: Date, leaseUntil: Date): Promise<ClaimedDelivery | null> {
    const head = this.rows.find(
      (r) => r.receiverId === receiverId && r.deliveredAt === null && r.droppedAt === null,
    );
    if (head === undefined) return null;
    if (head.nextAttemptAt.getTime() > now.getTime()) return null;
    if (head.leasedUntil !== null && head.leasedUntil.getTime() > now.getTime()) return null;
    head.leasedUntil = leaseUntil;
    const group = this.groups.get(head.groupId);
    if (group === undefined) throw new Error(`row ${head.id} without group`);
    group.sealed = true;
    return {
      id: head.id,
      receiverId,
      attempts: head.attempts,
      notification: { ...group.notification, items: [...group.notification.items] },
    };
  }

  async markDelivered(id: string, now: Date): Promise<void> {
    const row = this.#row(id);
    row.deliveredAt = now;
    row.leasedUntil = null;
  }

  async markFailed(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    const row = this.#row(id);
    Object.assign(row, { attempts, nextAttemptAt, lastError: error, leasedUntil: null });
  }

  async dropUnknownReceivers(knownIds: readonly string[], now: Date): Promise<number> {
    let n = 0;
    for (const r of this.rows) {
      if (r.deliveredAt === null && r.droppedAt === null && !knownIds.includes(r.receiverId)) {
        r.droppedAt = now;
        n++;
      }
    }
    return n;
  }

  #row(id: string): MemoryRow {
    const row = this.rows.find((r) => r.id === id);
    if (row === undefined) throw new Error(`no row ${id}`);
    return row;
  }
}
