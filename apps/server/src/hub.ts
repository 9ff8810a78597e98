import type { DatabaseHandle } from "@kdumpwatch/db";
import { type LiveEvent, LiveEventSchema } from "@kdumpwatch/protocol";
import type { Logger } from "./log.ts";

/**
 * Live events to every process (product.md §5): a service publishes after its transaction
 * commits; every subscriber in every server process on the same database receives it, through
 * PostgreSQL LISTEN/NOTIFY (PGlite: within the one process). Delivery is best effort: the database
 * stays the truth and the dashboard refetches on reconnect.
 */
export interface Hub {
  publish(event: LiveEvent): Promise<void>;
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

const HUB_CHANNEL = "kdumpwatch_events";
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7900;

class Listeners {
  readonly #set = new Set<(event: LiveEvent) => void>();
  constructor(private readonly log: Logger) {}
  add(listener: (event: LiveEvent) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }
  emit(event: LiveEvent): void {
    for (const l of this.#set) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err }, "live event listener failed");
      }
    }
  }
}

/** In-process only (tests, or a single process without LISTEN/NOTIFY). */
export function createMemoryHub(log: Logger): Hub {
  const listeners = new Listeners(log);
  return {
    async publish(event) {
      queueMicrotask(() => listeners.emit(event));
    },
    subscribe: (l) => listeners.add(l),
    async close() {},
  };
}

/** Fan-out through NOTIFY; each process (the publisher included) delivers what it hears. */
export async function createDbHub(db: Pick<DatabaseHandle, "listen" | "notify">, log: Logger): Promise<Hub> {
  const listeners = new Listeners(log);
  const unlisten = await db.listen(HUB_CHANNEL, (payload) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      log.warn("unparseable live event ignored");
      return;
    }
    const event = LiveEventSchema.safeParse(parsed);
    if (!event.success) {
      log.warn({ issues: event.error.issues.length }, "invalid live event ignored");
      return;
    }
    listeners.emit(event.data);
  });
  let closed = false;
  return {
    async publish(event) {
      if (closed) return;
      const payload = JSON.stringify(event);
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
        log.warn({ type: event.type }, "live event too large for NOTIFY, dropped");
        return;
      }
      try {
        await db.notify(HUB_CHANNEL, payload);
      } catch (err) {
        // the change is committed; a lost live event only delays the dashboard until it refetches
        log.warn({ err }, "live event not published");
      }
    },
    subscribe: (l) => listeners.add(l),
    async close() {
      if (closed) return;
      closed = true;
      await unlisten().catch(() => {});
    },
  };
}
