/**
 * Alerting tables (product.md §6, apps/server/src/alerting, docs/alerting.md). Kept apart from
 * ../schema.ts so that alerting can grow without touching the core tables; drizzle.config.ts lists
 * both files.
 *
 *   alerts                     one row per alert episode: (host, alertname, check, subject) while open
 *   alert_notifications        one grouped message: alerts of one kind+check starting within the group wait
 *   alert_notification_items   the alerts of a notification, frozen when they were enqueued
 *   alert_outbox               one row per (notification, receiver): delivered with retries until 2xx
 *   alert_silences             per host / check / label, with an expiry and a reason
 *   alert_dump_baselines       per host: the dumps it had when first seen (not paged), last judgement evaluated
 *
 * An alert change and the notification it causes are written in the same transaction.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { hosts } from "../schema.ts";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * One alert episode. `state` is the phase of the alert state machine (pending, firing, clearing,
 * resolved); a pending alert whose condition clears is deleted (nothing was sent). `fingerprint`
 * identifies the alert key; at most one open (unresolved) row per fingerprint.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    fingerprint: text("fingerprint").notNull(),
    hostId: text("host_id")
      .notNull()
      .references(() => hosts.id, { onDelete: "cascade" }),
    /** check id, or the synthetic host.stale / host.duplicate-machine-id */
    checkId: text("check_id"),
    state: text("state").notNull(),
    /** when the condition began (the alert's startsAt) */
    openedAt: ts("opened_at").notNull(),
    firedAt: ts("fired_at"),
    resolvedAt: ts("resolved_at"),
    lastNotifiedAt: ts("last_notified_at"),
    /** { hostname, summary, remediation } as last observed */
    details: jsonb("details"),
    alertname: text("alertname").notNull().default(""),
    /** tells several alerts of one kind on one host apart (the dump name); "" otherwise */
    subject: text("subject").notNull().default(""),
    clearSince: ts("clear_since"),
    /** a firing notification was enqueued, so a resolve is owed */
    notified: boolean("notified").notNull().default(false),
    reminders: integer("reminders").notNull().default(0),
    nextReminderAt: ts("next_reminder_at"),
    /** next time the periodic job must look at this alert (hold over, reminder due, silence re-check) */
    dueAt: ts("due_at"),
  },
  (t) => [
    index("alerts_host_idx").on(t.hostId),
    index("alerts_state_idx").on(t.state),
    uniqueIndex("alerts_open_fingerprint_idx").on(t.fingerprint).where(sql`${t.resolvedAt} is null`),
    index("alerts_due_idx").on(t.dueAt).where(sql`${t.resolvedAt} is null`),
    index("alerts_resolved_idx").on(t.resolvedAt),
    // a notification's group state: the open alerts of one alertname × check
    index("alerts_open_group_idx").on(t.alertname, t.checkId).where(sql`${t.resolvedAt} is null`),
  ],
);

/**
 * A grouped notification. Open (sealed_at null) until its first delivery is claimed; alerts of the
 * same group key join it until `deliver_at`. At most one open notification per group key.
 */
export const alertNotifications = pgTable(
  "alert_notifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    groupKey: text("group_key").notNull(),
    status: text("status").notNull(),
    alertname: text("alertname").notNull(),
    checkId: text("check_id").notNull(),
    createdAt: ts("created_at").notNull(),
    deliverAt: ts("deliver_at").notNull(),
    sealedAt: ts("sealed_at"),
  },
  (t) => [
    uniqueIndex("alert_notifications_open_group_idx").on(t.groupKey).where(sql`${t.sealedAt} is null`),
    index("alert_notifications_created_idx").on(t.createdAt),
  ],
);

export const alertNotificationItems = pgTable(
  "alert_notification_items",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    notificationId: bigint("notification_id", { mode: "number" })
      .notNull()
      .references(() => alertNotifications.id, { onDelete: "cascade" }),
    /** the alert it describes (no FK: the item is a frozen message, kept even if the host goes) */
    alertId: bigint("alert_id", { mode: "number" }).notNull(),
    /** NotificationItem (apps/server/src/alerting/alert-types.ts) */
    item: jsonb("item").notNull(),
  },
  (t) => [index("alert_notification_items_notification_idx").on(t.notificationId, t.id)],
);

/**
 * One delivery of a notification to one receiver. `target` is the receiver id (a hash of its
 * configured URL: the URL itself may be a secret and is never stored). Each receiver's rows are
 * delivered in id order; `leased_until` keeps a claimed row from being sent twice at once.
 */
export const alertOutbox = pgTable(
  "alert_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    target: text("target").notNull(),
    /** { receiver: "<kind> <origin>" } for display */
    payload: jsonb("payload").notNull(),
    createdAt: ts("created_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    deliveredAt: ts("delivered_at"),
    lastError: text("last_error"),
    notificationId: bigint("notification_id", { mode: "number" }).references(() => alertNotifications.id, {
      onDelete: "cascade",
    }),
    leasedUntil: ts("leased_until"),
    /** the receiver was removed from the configuration: never delivered */
    droppedAt: ts("dropped_at"),
  },
  (t) => [
    index("alert_outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.deliveredAt} is null`),
    index("alert_outbox_lane_idx")
      .on(t.target, t.id)
      .where(sql`${t.deliveredAt} is null and ${t.droppedAt} is null`),
  ],
);

export const alertSilences = pgTable(
  "alert_silences",
  {
    id: text("id").primaryKey(),
    /** { hostId?, check?, labels? }: every given matcher must match */
    matchers: jsonb("matchers").notNull(),
    reason: text("reason").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("alert_silences_expires_idx").on(t.expiresAt)],
);

/**
 * What alerting remembers per host: the dumps of its first readable listing (null until one was
 * seen), and which judgement it last evaluated (`evaluated`: judgement hash + duplicate-of), so
 * ingest can skip an unchanged report cheaply and still catch up on one it never evaluated.
 */
export const alertDumpBaselines = pgTable("alert_dump_baselines", {
  hostId: text("host_id")
    .primaryKey()
    .references(() => hosts.id, { onDelete: "cascade" }),
  names: text("names").array(),
  createdAt: ts("created_at").notNull(),
  evaluated: text("evaluated"),
});
