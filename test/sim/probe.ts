/**
 * Watches one simulated agent's socket from the outside, without touching the agent's client: the
 * agent's own socket factory is wrapped so that every frame going out and coming in passes here.
 * A snapshot's ack latency is the time from its (last) send to its ack. Only a cheap string test
 * is made on each frame; the small server frames that matter are parsed.
 */
import type { CloseInfo, SocketFactory } from "@kdumpwatch/agent";

/** Counters of one worker, reset by the worker each time it reports. */
export interface WorkerCounters {
  snapshotsSent: number;
  snapshotsAcked: number;
  handshakes: number;
  disconnects: number;
  connectFailures: number;
  errorFrames: number;
  retryFrames: number;
  /** upgrade refused with this HTTP status (503 = shedding, 429 = per-address limit) */
  refusedUpgrades: Record<string, number>;
  /** closes with a 4xxx code or 1008–1011: the server rejected the agent or failed */
  rejectedCloses: Record<string, number>;
  latenciesMs: number[];
}

export function emptyCounters(): WorkerCounters {
  return {
    snapshotsSent: 0,
    snapshotsAcked: 0,
    handshakes: 0,
    disconnects: 0,
    connectFailures: 0,
    errorFrames: 0,
    retryFrames: 0,
    refusedUpgrades: {},
    rejectedCloses: {},
    latenciesMs: [],
  };
}

const SNAPSHOT_PREFIX = '{"v":1,"type":"snapshot","seq":';

export class AgentProbe {
  /** welcomed on the current socket */
  connected = false;
  /** at least one snapshot of this host has been acknowledged */
  everAcked = false;
  readonly #sentAt = new Map<number, number>();
  #opened = false;

  constructor(private readonly counters: () => WorkerCounters) {}

  /** The agent's socket factory, with this probe watching its frames. */
  wrap(inner: SocketFactory): SocketFactory {
    return (url, handlers) => {
      this.#opened = false;
      const socket = inner(url, {
        open: () => {
          this.#opened = true;
          handlers.open();
        },
        message: (data) => {
          this.#received(data);
          handlers.message(data);
        },
        pong: () => handlers.pong(),
        error: (detail) => handlers.error(detail),
        close: (info) => {
          this.#closed(info);
          handlers.close(info);
        },
      });
      return {
        send: (data) => {
          if (data.startsWith(SNAPSHOT_PREFIX)) this.#sending(data);
          socket.send(data);
        },
        ping: () => socket.ping(),
        close: (code, reason) => socket.close(code, reason),
        terminate: () => socket.terminate(),
      };
    };
  }

  #sending(data: string): void {
    const end = data.indexOf(",", SNAPSHOT_PREFIX.length);
    const seq = Number(data.slice(SNAPSHOT_PREFIX.length, end));
    this.#sentAt.set(seq, performance.now());
    this.counters().snapshotsSent++;
  }

  #received(data: string): void {
    if (data.length > 512) return;
    const c = this.counters();
    if (data.includes('"type":"ack"')) {
      const seq = (JSON.parse(data) as { seq?: unknown }).seq;
      const sentAt = typeof seq === "number" ? this.#sentAt.get(seq) : undefined;
      if (sentAt === undefined || typeof seq !== "number") return;
      this.#sentAt.delete(seq);
      c.snapshotsAcked++;
      c.latenciesMs.push(performance.now() - sentAt);
      this.everAcked = true;
    } else if (data.includes('"type":"welcome"')) {
      this.connected = true;
      c.handshakes++;
    } else if (data.includes('"type":"error"')) {
      c.errorFrames++;
    } else if (data.includes('"type":"retry"')) {
      c.retryFrames++;
    }
  }

  #closed(info: CloseInfo): void {
    const c = this.counters();
    if (info.httpStatus !== undefined) {
      const key = String(info.httpStatus);
      c.refusedUpgrades[key] = (c.refusedUpgrades[key] ?? 0) + 1;
    } else if (info.code >= 4000 || (info.code >= 1008 && info.code <= 1011)) {
      const key = String(info.code);
      c.rejectedCloses[key] = (c.rejectedCloses[key] ?? 0) + 1;
    }
    if (this.connected) c.disconnects++;
    else if (!this.#opened) c.connectFailures++;
    this.connected = false;
    this.#opened = false;
    // frames in flight on a dead socket are sent again on the next one (and timed from then)
    this.#sentAt.clear();
  }
}
