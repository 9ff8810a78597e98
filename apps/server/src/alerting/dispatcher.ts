/**
 * The outbox dispatcher: delivers stored notifications, one lane per receiver. Run only by the
 * process that holds the alerting advisory lock (leader.ts); the store's claim leases each row too,
 * so even two dispatchers by mistake would not send a row twice while the lease holds.
 *
 * Per receiver, notifications go strictly in order (a resolve never overtakes its firing): the lane
 * takes the oldest undelivered row, and if it is waiting for a retry the lane waits too. Lanes are
 * independent: a receiver that answers 500 or never answers delays only its own notifications.
 */
import type { Notification } from "./alert-types.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from "./backoff.ts";
import { type DeliveryOutcome, type DeliveryRequest, postNotification } from "./deliver.ts";
import { renderNotification } from "./formats/render.ts";
import { SLACK_MAX_HOSTS } from "./formats/slack.ts";
import type { Receiver } from "./receivers.ts";

export interface ClaimedDelivery {
  id: string;
  receiverId: string;
  /** failed attempts so far */
  attempts: number;
  notification: Notification;
}

/** What the dispatcher needs from storage (pg-store.ts; an in-memory one in the tests). */
export interface OutboxStore {
  /**
   * The receiver's oldest undelivered row if it is due and not leased; leases it until `leaseUntil`.
   * `stateLimit`: read the group's current state with at most this many firing alerts (null = all,
   * 0 = do not read it).
   */
  claimNext(
    receiverId: string,
    now: Date,
    leaseUntil: Date,
    stateLimit?: number | null,
  ): Promise<ClaimedDelivery | null>;
  markDelivered(id: string, now: Date): Promise<void>;
  markFailed(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void>;
  /** Rows of receivers no longer configured are marked dropped; returns how many. */
  dropUnknownReceivers(knownIds: readonly string[], now: Date): Promise<number>;
}

interface DispatcherLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DispatcherOptions {
  store: OutboxStore;
  receivers: readonly Receiver[];
  secret: string | null;
  /** base of links; a function when it is known only once the server listens */
  publicUrl: string | (() => string);
  now: () => Date;
  log: DispatcherLog;
  timeoutMs?: number;
  retry?: RetryPolicy;
  random?: () => number;
  post?: (req: DeliveryRequest) => Promise<DeliveryOutcome>;
  /** called after each attempt (metrics); `attempt` counts from 1 */
  onAttempt?: (receiver: Receiver, outcome: DeliveryOutcome, attempt: number) => void;
  /** alerts listed per generic-webhook notification (Alertmanager's max_alerts; 0 = all) */
  webhookMaxAlerts?: number;
}

/** How much of a group's state each format shows (formats/group-view.ts). */
function stateLimitOf(kind: Receiver["kind"], webhookMaxAlerts: number): number | null {
  switch (kind) {
    case "webhook":
      return webhookMaxAlerts === 0 ? null : webhookMaxAlerts;
    case "slack":
      return SLACK_MAX_HOSTS;
    case "alertmanager":
      // Alertmanager keeps the state itself: it is sent the changes only
      return 0;
  }
}

const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;

export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #timeoutMs: number;
  readonly #running = new Map<string, Promise<void>>();
  #stopped = false;
  #dropped = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  }

  /** Starts a pass on every idle lane; lanes already busy keep going. Never throws. */
  kick(): void {
    if (this.#stopped) return;
    if (!this.#dropped) {
      this.#dropped = true;
      const ids = this.#o.receivers.map((r) => r.id);
      this.#o.store.dropUnknownReceivers(ids, this.#o.now()).then(
        (n) => {
          if (n > 0)
            this.#o.log.warn(
              { rows: n },
              "alerting: dropped notifications of receivers no longer configured",
            );
        },
        (err: unknown) => {
          this.#dropped = false;
          this.#o.log.warn({ err }, "alerting: could not drop notifications of removed receivers");
        },
      );
    }
    for (const r of this.#o.receivers) {
      if (this.#running.has(r.id)) continue;
      const lane = this.#runLane(r)
        .catch((err: unknown) =>
          this.#o.log.warn({ err, receiver: r.name }, "alerting: delivery lane failed"),
        )
        .finally(() => this.#running.delete(r.id));
      this.#running.set(r.id, lane);
    }
  }

  /** Resolves when every lane pass in flight has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }

  /** No new passes; the ones in flight finish (a lease left behind expires and another process retries). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.idle();
  }

  async #runLane(receiver: Receiver): Promise<void> {
    const { store, now } = this.#o;
    while (!this.#stopped) {
      const start = now();
      const claimed = await store.claimNext(
        receiver.id,
        start,
        new Date(start.getTime() + this.#timeoutMs + 5000),
        stateLimitOf(receiver.kind, this.#o.webhookMaxAlerts ?? 0),
      );
      if (claimed === null) return;
      await this.#attempt(receiver, claimed);
    }
  }

  async #attempt(receiver: Receiver, d: ClaimedDelivery): Promise<void> {
    const { store, now, log } = this.#o;
    const base = this.#o.publicUrl;
    const publicUrl = typeof base === "string" ? base : base();
    const rendered = renderNotification(receiver.kind, d.notification, {
      publicUrl,
      now: now(),
      webhookMaxAlerts: this.#o.webhookMaxAlerts ?? 0,
    });
    const post = this.#o.post ?? postNotification;
    const outcome = await post({
      url: receiver.url,
      body: rendered.body,
      contentType: rendered.contentType,
      deliveryId: `${d.notification.id}.${receiver.id}`,
      secret: this.#o.secret,
      timeoutMs: this.#timeoutMs,
    });
    this.#o.onAttempt?.(receiver, outcome, d.attempts + 1);
    if (outcome.ok) {
      await store.markDelivered(d.id, now());
      log.info(
        { receiver: receiver.name, notification: d.notification.id, alerts: d.notification.items.length },
        "alerting: notification delivered",
      );
      return;
    }
    const attempts = d.attempts + 1;
    const delay = retryDelayMs(
      attempts,
      this.#o.retry ?? DEFAULT_RETRY_POLICY,
      (this.#o.random ?? Math.random)(),
    );
    await store.markFailed(d.id, attempts, new Date(now().getTime() + delay), outcome.error);
    log.warn(
      {
        receiver: receiver.name,
        notification: d.notification.id,
        attempts,
        retryInMs: delay,
        error: outcome.error,
      },
      "alerting: delivery failed, will retry",
    );
  }
}
