import type { FleetSummary, LiveEvent } from "@kdumpwatch/protocol";
import type { Hub } from "./hub.ts";
import type { Logger } from "./log.ts";

interface LiveClient {
  send(event: LiveEvent): void;
  /** the server is shutting down: end the stream */
  end(): void;
}

/**
 * What `GET /api/events` streams: every host event heard on the hub, plus a fleet summary
 * recomputed at most once per `summaryEveryMs` after changes and shared by all clients.
 */
export interface LiveFeed {
  add(client: LiveClient): () => void;
  readonly clients: number;
  close(): void;
}

export function createLiveFeed(options: {
  hub: Hub;
  summary: () => Promise<FleetSummary>;
  log: Logger;
  summaryEveryMs?: number;
}): LiveFeed {
  const { hub, summary, log } = options;
  const every = options.summaryEveryMs ?? 1000;
  const clients = new Set<LiveClient>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const broadcast = (event: LiveEvent) => {
    for (const c of clients) c.send(event);
  };
  const scheduleSummary = () => {
    if (timer || closed || clients.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      summary().then(
        (s) => broadcast({ type: "summary", summary: s }),
        (err) => log.warn({ err }, "live summary failed"),
      );
    }, every);
    timer.unref();
  };
  const unsubscribe = hub.subscribe((event) => {
    if (clients.size === 0) return;
    broadcast(event);
    scheduleSummary();
  });

  return {
    add(client) {
      if (closed) {
        client.end();
        return () => {};
      }
      clients.add(client);
      return () => clients.delete(client);
    },
    get clients() {
      return clients.size;
    },
    close() {
      closed = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      for (const c of clients) c.end();
      clients.clear();
    },
  };
}
