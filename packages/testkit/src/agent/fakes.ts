/**
 * A fake clock and a fake socket for tests of the client, and a seeded random generator. Nothing
 * here touches real time or the network.
 */
import type { ClientSocket, Clock, CloseInfo, SocketFactory, SocketHandlers } from "@kdumpwatch/agent";
import type { AgentMessage, ServerMessage } from "@kdumpwatch/protocol";
import { AgentMessageSchema } from "@kdumpwatch/protocol";

interface FakeTimer {
  id: number;
  at: number;
  callback: () => void;
}

/** Time stands still until `advance(ms)`, which fires due timers in order of their due time. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: FakeTimer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.callback();
    }
    this.#now = until;
  }

  /** milliseconds until the next timer, or null when none is set */
  nextTimerIn(): number | null {
    const next = Math.min(...this.#timers.map((t) => t.at));
    return Number.isFinite(next) ? next - this.#now : null;
  }

  get timerCount(): number {
    return this.#timers.length;
  }
}

/** One fake connection: the test plays the server through the `server*` methods. */
export class FakeSocket implements ClientSocket {
  readonly sent: AgentMessage[] = [];
  pings = 0;
  /** answer pings like a live ws server does; a test sets it false to play a dead peer */
  autoPong = true;
  closedWith: { code: number; reason: string } | null = null;
  terminated = false;
  #ended = false;

  constructor(
    readonly url: string,
    private readonly handlers: SocketHandlers,
    readonly openedAt: number,
  ) {}

  send(data: string): void {
    if (this.#ended) return;
    const parsed = AgentMessageSchema.safeParse(JSON.parse(data));
    if (!parsed.success) throw new Error(`the client sent a frame that breaks wire protocol v1: ${data}`);
    this.sent.push(parsed.data);
  }

  ping(): void {
    this.pings++;
    if (this.autoPong && !this.#ended) this.handlers.pong();
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.#end({ code, reason });
  }

  terminate(): void {
    this.terminated = true;
    this.#end({ code: 1006, reason: "" });
  }

  serverOpen(): void {
    this.handlers.open();
  }

  serverSend(message: ServerMessage | Record<string, unknown>): void {
    this.handlers.message(JSON.stringify(message));
  }

  serverSendRaw(data: string): void {
    this.handlers.message(data);
  }

  serverPong(): void {
    this.handlers.pong();
  }

  serverClose(code: number, reason = ""): void {
    this.#end({ code, reason });
  }

  /** the connection cannot be made (ECONNREFUSED), or the upgrade is refused with an HTTP status */
  serverRefuse(detail = "ECONNREFUSED", info: Partial<CloseInfo> = {}): void {
    this.handlers.error(detail);
    this.#end({ code: 1006, reason: "", ...info });
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** messages of one type, in order */
  sentOf<T extends AgentMessage["type"]>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<AgentMessage, { type: T }> => m.type === type);
  }

  #end(info: CloseInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    this.handlers.close(info);
  }
}

/** A socket factory that remembers every socket it made. */
export function createFakeNetwork(clock: Clock): { connect: SocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    connect: (url, handlers) => {
      const socket = new FakeSocket(url, handlers, clock.now());
      sockets.push(socket);
      return socket;
    },
  };
}

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
