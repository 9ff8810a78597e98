/**
 * The live connection to `GET /api/events` (server-sent events). An explicit state machine
 * (idle → connecting → open → down → connecting …, house-style §16): the browser's own EventSource
 * retry is not used, because it gives up for good on an HTTP error and cannot say when it will try
 * again. After a reconnect every subscriber resyncs, since events sent while down are lost.
 */
import { LIVE_EVENT_TYPES, LiveEventSchema } from "@kdumpwatch/protocol";
import { reconnectDelay } from "./backoff.ts";
import type { LiveEvent } from "./schemas.ts";

export type LiveStatus = "idle" | "connecting" | "open" | "down";

/** The SSE `event:` names the server sends (protocol http.ts); unnamed events arrive as "message". */
const LIVE_EVENT_NAMES = ["message", ...LIVE_EVENT_TYPES] as const;

/** Parses one event's data; null when it is not an event this dashboard knows. */
export function parseLiveEvent(data: unknown): LiveEvent | null {
  if (typeof data !== "string" || data.length === 0) return null;
  try {
    const parsed = LiveEventSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface LiveListener {
  /** a known event; `null` for one this dashboard cannot read, which still means "something changed" */
  onEvent?(event: LiveEvent | null): void;
  /** the connection came back after a drop: refetch what is shown */
  onResync?(): void;
}

type EventSourceFactory = (url: string) => EventSource;

export class LiveConnection {
  status: LiveStatus = $state("idle");
  /** when the connection dropped, for "offline for 2 min" */
  downSince: number | null = $state(null);
  /** when the next attempt is due */
  retryAt: number | null = $state(null);

  readonly #url: string;
  readonly #open: EventSourceFactory;
  readonly #listeners = new Set<LiveListener>();
  #source: EventSource | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;
  #everOpened = false;

  constructor(options: { url?: string; open?: EventSourceFactory } = {}) {
    this.#url = options.url ?? "/api/events";
    this.#open = options.open ?? ((url) => new EventSource(url, { withCredentials: true }));
  }

  subscribe(listener: LiveListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.status !== "idle") return;
    this.#connect();
  }

  stop(): void {
    this.#clearTimer();
    this.#source?.close();
    this.#source = null;
    this.status = "idle";
    this.downSince = null;
    this.retryAt = null;
    this.#attempt = 0;
    this.#everOpened = false;
  }

  /** Retry now (the banner's "reconnect now" button). */
  retryNow(): void {
    if (this.status !== "down") return;
    this.#clearTimer();
    this.#connect();
  }

  #connect(): void {
    this.status = "connecting";
    this.retryAt = null;
    let source: EventSource;
    try {
      source = this.#open(this.#url);
    } catch {
      this.#drop();
      return;
    }
    this.#source = source;
    source.onopen = () => {
      if (this.#source !== source) return;
      const resync = this.#everOpened || this.downSince !== null;
      this.status = "open";
      this.downSince = null;
      this.#attempt = 0;
      this.#everOpened = true;
      if (resync) for (const l of this.#listeners) l.onResync?.();
    };
    source.onerror = () => {
      if (this.#source !== source) return;
      this.#drop();
    };
    for (const name of LIVE_EVENT_NAMES) {
      source.addEventListener(name, (e) => {
        if (this.#source === source) this.#dispatch((e as MessageEvent).data);
      });
    }
  }

  #dispatch(data: unknown): void {
    const event = parseLiveEvent(data);
    for (const l of this.#listeners) l.onEvent?.(event);
  }

  #drop(): void {
    this.#source?.close();
    this.#source = null;
    this.status = "down";
    this.downSince ??= Date.now();
    const delay = reconnectDelay(this.#attempt++);
    this.retryAt = Date.now() + delay;
    this.#clearTimer();
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
