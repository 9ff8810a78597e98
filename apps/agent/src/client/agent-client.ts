/**
 * The thin I/O shell around the pure state machine (`machine.ts`): it feeds events in and carries the
 * effects out — sockets, timers, collection, credential storage, logs. Everything is injected (no
 * globals), so the daemon, the tests and the simulator (thousands of clients in one process) share it.
 */
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { SnapshotSchema } from "@kdumpwatch/protocol";
import { DEFAULT_BACKOFF } from "./backoff.ts";
import { hashSources } from "./hash.ts";
import { identityFromSnapshot } from "./identity.ts";
import { step } from "./machine.ts";
import type {
  ClientEvent,
  ClientModel,
  ClientOptions,
  Effect,
  Identity,
  Outcome,
  TimerName,
} from "./machine-model.ts";
import { initialModel } from "./machine-model.ts";
import type { ClientSocket, Clock, CredentialStore, Logger, SocketFactory } from "./ports.ts";

export interface AgentClientDeps {
  /** reads the evidence; a core `Snapshot` (its `sources` may omit ids) is accepted as is */
  collect: () => Promise<
    SnapshotPayload | { sources: Partial<SnapshotPayload["sources"]>; collectedAt: string }
  >;
  connect: SocketFactory;
  clock: Clock;
  log: Logger;
  store: CredentialStore;
  /** uniform in [0, 1); Math.random unless a test seeds it */
  random?: () => number;
  /** host name when the snapshot has none (os.hostname() in the daemon) */
  fallbackHostname: string;
  identify?: (snapshot: SnapshotPayload, fallbackHostname: string) => Identity;
}

export type AgentClientOptions = Pick<ClientOptions, "agentVersion" | "url" | "enrollToken"> &
  Partial<Omit<ClientOptions, "agentVersion" | "url" | "enrollToken">>;

export const CLIENT_DEFAULTS = {
  once: false,
  policy: DEFAULT_BACKOFF,
  collectIntervalMs: 60_000,
  pingIntervalMs: 30_000,
  handshakeTimeoutMs: 20_000,
  ackTimeoutMs: 60_000,
  onceTimeoutMs: 30_000,
} satisfies Omit<ClientOptions, "agentVersion" | "url" | "enrollToken">;

export class AgentClient {
  readonly #deps: AgentClientDeps;
  readonly #options: ClientOptions;
  readonly #random: () => number;
  #model: ClientModel = initialModel(null);
  #socket: ClientSocket | null = null;
  /** bumps on every connect: events of an older socket are dropped */
  #generation = 0;
  readonly #timers = new Map<TimerName, unknown>();
  #resolveDone: ((outcome: Outcome) => void) | null = null;
  #started = false;
  readonly #queue: ClientEvent[] = [];
  #busy = false;
  /** credential writes in flight, in order */
  #saving: Promise<void> = Promise.resolve();

  constructor(deps: AgentClientDeps, options: AgentClientOptions) {
    this.#deps = deps;
    this.#options = { ...CLIENT_DEFAULTS, ...options };
    this.#random = deps.random ?? Math.random;
  }

  /** Runs until `stop()` (daemon) or until the first ack / failure (`once`); resolves with the outcome. */
  async run(): Promise<Outcome> {
    if (this.#started) throw new Error("AgentClient.run() called twice");
    this.#started = true;
    const credential = await this.#deps.store.load();
    this.#model = initialModel(credential);
    const done = new Promise<Outcome>((resolve) => {
      this.#resolveDone = resolve;
    });
    this.#dispatch({ type: "start" });
    return done;
  }

  /** Collect now (SIGHUP), unless a collection is already running. */
  collectNow(): void {
    this.#dispatch({ type: "collect-now" });
  }

  stop(): void {
    this.#dispatch({ type: "stop" });
  }

  /** Read-only view for tests, the simulator and diagnostics. */
  get model(): Readonly<ClientModel> {
    return this.#model;
  }

  /**
   * Events raised while effects are being carried out (a socket that reports its close from inside
   * `terminate()`) wait in a queue, so each step sees the model its predecessor left.
   */
  #dispatch(event: ClientEvent): void {
    if (!this.#started) return;
    this.#queue.push(event);
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        const env = { options: this.#options, random: this.#random };
        const { model, effects } = step(this.#model, next, env);
        this.#model = model;
        for (const effect of effects) this.#perform(effect);
      }
    } finally {
      this.#busy = false;
    }
  }

  #perform(effect: Effect): void {
    switch (effect.type) {
      case "connect":
        this.#connect();
        return;
      case "send":
        this.#socket?.send(JSON.stringify(effect.message));
        return;
      case "ping":
        this.#socket?.ping();
        return;
      case "close":
        this.#socket?.close(effect.code, effect.reason);
        return;
      case "terminate":
        this.#socket?.terminate();
        return;
      case "set-timer":
        this.#setTimer(effect.timer, effect.ms);
        return;
      case "clear-timer":
        this.#clearTimer(effect.timer);
        return;
      case "collect":
        void this.#collect();
        return;
      case "save-credential": {
        const save = this.#deps.store.save(effect.credential).catch((err: unknown) => {
          this.#deps.log.log("error", "cannot store the host credential; it will be lost on restart", {
            error: err instanceof Error ? err.message : String(err),
          });
        });
        this.#saving = this.#saving.then(() => save);
        return;
      }
      case "log":
        this.#deps.log.log(effect.level, effect.msg, effect.fields);
        return;
      case "done": {
        this.#socket = null;
        this.#generation++;
        // `--once` exits right after: a credential being written must reach the disk first
        const resolve = this.#resolveDone;
        void this.#saving.then(() => resolve?.(effect.outcome));
        return;
      }
    }
  }

  #connect(): void {
    const generation = ++this.#generation;
    const live = (event: ClientEvent) => {
      if (generation === this.#generation) this.#dispatch(event);
    };
    try {
      this.#socket = this.#deps.connect(this.#options.url, {
        open: () => live({ type: "socket-open" }),
        message: (data) => live({ type: "socket-message", data }),
        pong: () => live({ type: "socket-pong" }),
        error: (detail) => live({ type: "socket-error", detail }),
        close: (info) => live({ type: "socket-closed", ...info }),
      });
    } catch (err) {
      // e.g. an invalid URL: report it as a failed connection so backoff applies
      this.#socket = null;
      const detail = err instanceof Error ? err.message : String(err);
      this.#deps.clock.setTimeout(() => {
        live({ type: "socket-error", detail });
        live({ type: "socket-closed", code: 1006, reason: "" });
      }, 0);
    }
  }

  async #collect(): Promise<void> {
    const started = this.#deps.clock.now();
    let event: ClientEvent;
    try {
      const raw = await this.#deps.collect();
      const snapshot = toPayload(raw);
      const identify = this.#deps.identify ?? identityFromSnapshot;
      event = {
        type: "collected",
        snapshot,
        hash: hashSources(snapshot.sources),
        identity: identify(snapshot, this.#deps.fallbackHostname),
      };
      this.#deps.log.log("debug", "collected", {
        ms: this.#deps.clock.now() - started,
        sources: Object.keys(snapshot.sources).length,
      });
    } catch (err) {
      event = { type: "collect-failed", detail: err instanceof Error ? err.message : String(err) };
    }
    this.#dispatch(event);
  }

  #setTimer(timer: TimerName, ms: number): void {
    this.#clearTimer(timer);
    const handle = this.#deps.clock.setTimeout(() => {
      this.#timers.delete(timer);
      this.#dispatch({ type: "timer", timer });
    }, ms);
    this.#timers.set(timer, handle);
  }

  #clearTimer(timer: TimerName): void {
    const handle = this.#timers.get(timer);
    if (handle === undefined) return;
    this.#deps.clock.clearTimeout(handle);
    this.#timers.delete(timer);
  }
}

/** Wire limits of optional texts (wire.ts); longer ones would make the server refuse the frame. */
const MAX_DETAIL = 2048;
const MAX_VIA = 512;

/**
 * Turns what the collector returned into exactly what the server will parse: absent entries dropped,
 * over-long optional texts cut, unknown keys stripped by the wire schema. The hash is computed over
 * this, so agent and server hash the same object.
 */
function toPayload(raw: Awaited<ReturnType<AgentClientDeps["collect"]>>): SnapshotPayload {
  const sources: Record<string, unknown> = {};
  for (const [id, result] of Object.entries(raw.sources)) {
    if (result === undefined) continue;
    const copy: Record<string, unknown> = { ...result };
    if (typeof copy.detail === "string") copy.detail = copy.detail.slice(0, MAX_DETAIL);
    if (typeof copy.via === "string") copy.via = copy.via.slice(0, MAX_VIA);
    sources[id] = copy;
  }
  const parsed = SnapshotSchema.safeParse({ sources, collectedAt: raw.collectedAt });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `snapshot does not fit wire protocol v1 at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? ""}`,
    );
  }
  return parsed.data;
}
