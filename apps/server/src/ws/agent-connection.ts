import {
  AGENT_MESSAGE_TYPES,
  AgentMessageSchema,
  CLOSE_CODES,
  type ErrorCode,
  type Hello,
  type IngestFailureReason,
  PROTOCOL_VERSION,
  type ServerMessage,
  type SnapshotMessage,
} from "@kdumpwatch/protocol";
import type { RawData, WebSocket } from "ws";
import type { Config } from "../config.ts";
import { databaseUnavailableReason, isDatabaseError } from "../database-errors.ts";
import type { DatabaseStatus } from "../database-status.ts";
import type { Services } from "../env.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics.ts";
import type { RefusalCode } from "../services/enrollment.ts";
import type { Admission } from "./admission.ts";
import { TokenBucket } from "./rate-limit.ts";
import { type HostSocketLimit, QueueGuard } from "./socket-limits.ts";

export interface ConnectionDeps {
  agents: Services["agents"];
  log: Logger;
  metrics: Metrics;
  config: Config;
  /** database faults seen here are recorded there (readiness, one log line per outage) */
  database: DatabaseStatus;
  /** sockets per host credential, shared by every connection of the gateway */
  hostSockets: HostSocketLimit;
  /** jitter source for retry hints (tests may fix it) */
  random?: () => number;
  /** admission control (admission.ts); absent: every session is admitted */
  admission?: Admission;
}

/**
 * How long an agent is asked to stay away when the database cannot commit: long enough for a
 * restart, jittered so that a fleet does not come back in one wave (the agent honours `retry.afterMs`).
 */
const DATABASE_RETRY_MIN_MS = 5_000;
const DATABASE_RETRY_JITTER_MS = 10_000;

type State = "awaiting_hello" | "authenticating" | "ready" | "draining" | "closed";

const KNOWN_TYPES = new Set<string>(AGENT_MESSAGE_TYPES);

/** A refused hello: the wire error and the close code, which tells the agent what to do next. */
const REFUSALS: Record<RefusalCode, { error: ErrorCode; close: number }> = {
  unauthorized: { error: "unauthorized", close: CLOSE_CODES.unauthorized },
  rate_limited: { error: "rate_limited", close: CLOSE_CODES.rateLimited },
  host_cap_reached: { error: "host_cap_reached", close: CLOSE_CODES.unauthorized },
  decommissioned: { error: "decommissioned", close: CLOSE_CODES.decommissioned },
};

/**
 * One agent socket as an explicit state machine (house-style §16):
 *   awaiting_hello → authenticating → ready → draining → closed
 * Frames are handled in arrival order through one queue per socket (the DB work is async; ws
 * does not wait for it). Every hostile frame gets a clean answer and nothing is stored:
 * not JSON / wrong shape → `error bad_frame`, ignored; unknown type → logged, ignored;
 * other protocol version → `error`, close 4400; snapshot before hello → `error`, close 4400;
 * flood → `error rate_limited`, close 4429; oversize → ws closes with 1009 itself.
 */
export class AgentConnection {
  #state: State = "awaiting_hello";
  /** the close code the server sent, when it was the server that closed (for the disconnects metric) */
  #sentCloseCode: number | null = null;
  #hostId: string | null = null;
  /** the host carries the "evidence not stored" mark: the next stored snapshot clears it */
  #ingestFailing = false;
  #queue: Promise<void> = Promise.resolve();
  readonly #bucket: TokenBucket;
  readonly #queueGuard: QueueGuard;
  readonly #helloTimer: NodeJS.Timeout;
  readonly #log: Logger;
  alive = true;
  /** resolves when the socket has closed */
  readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string | null,
    private readonly deps: ConnectionDeps,
  ) {
    this.#log = deps.log.child({ remoteAddress });
    this.#bucket = new TokenBucket(deps.config.frameBurst, deps.config.framesPerSec);
    this.#helloTimer = setTimeout(() => {
      if (this.#state !== "awaiting_hello") return;
      this.#fail("hello_required", "no hello received in time", CLOSE_CODES.protocolError);
    }, deps.config.helloTimeoutSec * 1000);
    this.#helloTimer.unref();
    this.#queueGuard = new QueueGuard({
      limitBytes: deps.config.socketQueueBytes,
      graceMs: deps.config.socketQueueGraceMs,
      outbound: () => ws.bufferedAmount,
      pause: () => {
        deps.metrics.socketPauses.inc();
        this.#log.warn(
          { hostId: this.#hostId, limitBytes: deps.config.socketQueueBytes },
          "agent socket over its queue limit: not reading it until it drains",
        );
        ws.pause();
      },
      resume: () => ws.resume(),
      overflow: (queued) => {
        this.#log.warn({ hostId: this.#hostId, queued }, "agent socket stayed over its queue limit, closing");
        this.#fail("rate_limited", "socket queue over its limit", CLOSE_CODES.queueFull);
        // read again, or the agent's closing frame is never seen; frames after #fail are dropped unparsed
        ws.resume();
      },
    });
    ws.on("message", (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on("pong", () => {
      this.alive = true;
    });
    let markClosed: () => void = () => {};
    this.closed = new Promise((resolve) => {
      markClosed = resolve;
    });
    // ws closes an oversize frame's socket with 1009 itself and then stops reading, so its close
    // event reports 1006: count the code the server sent whenever it was the server that closed
    ws.on("error", (err: Error & { code?: string }) => {
      if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") this.#sentCloseCode ??= CLOSE_CODES.tooBig;
    });
    ws.on("close", (code) => {
      markClosed();
      this.#state = "closed";
      clearTimeout(this.#helloTimer);
      this.#queueGuard.dispose();
      if (this.#hostId !== null) deps.hostSockets.release(this.#hostId, this);
      deps.metrics.closes.inc({ code: String(this.#sentCloseCode ?? code) });
    });
  }

  get hostId(): string | null {
    return this.#hostId;
  }

  get state(): State {
    return this.#state;
  }

  /** Stop taking frames; resolves once the frames already accepted are handled (committed, acked). */
  drain(): Promise<void> {
    if (this.#state !== "closed") this.#state = "draining";
    return this.#queue;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) {
      this.#sentCloseCode ??= code;
      this.ws.close(code, reason);
    }
  }

  /**
   * The host's record was decommissioned or merged into another while this socket was open: the
   * agent is asked to reconnect at once, and its next hello learns which (a merged host's agent
   * gets its new host id, a decommissioned one close code 4410).
   */
  recordChanged(): void {
    if (this.#state === "closed") return;
    this.#log.info({ hostId: this.#hostId }, "host record changed: asking the agent to reconnect");
    this.#state = "draining";
    this.close(CLOSE_CODES.goingAway, "host record changed, reconnect");
  }

  terminate(): void {
    this.ws.terminate();
  }

  ping(): void {
    this.alive = false;
    if (this.ws.readyState === this.ws.OPEN) this.ws.ping();
  }

  #send(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(message));
    this.#queueGuard.sent();
  }

  #error(code: ErrorCode, message: string): void {
    this.#send({ v: PROTOCOL_VERSION, type: "error", code, message });
  }

  #fail(code: ErrorCode, message: string, closeCode: number): void {
    this.#error(code, message);
    this.#state = "draining";
    this.close(closeCode, message.slice(0, 120));
  }

  /**
   * The database cannot commit: tell the agent when to come back (`retry`, which it honours) and
   * close with 1013 Try Again Later. Nothing unacked is lost: the agent keeps it until an ack.
   */
  #backOff(reason: string): void {
    const random = this.deps.random ?? Math.random;
    const afterMs = DATABASE_RETRY_MIN_MS + Math.floor(random() * DATABASE_RETRY_JITTER_MS);
    this.#send({ v: PROTOCOL_VERSION, type: "retry", afterMs });
    this.#state = "draining";
    this.close(CLOSE_CODES.tryAgainLater, reason);
  }

  #frame(type: string, outcome: string): void {
    this.deps.metrics.frames.inc({ type, outcome });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.#state === "draining" || this.#state === "closed") return;
    if (!this.#bucket.take()) {
      this.#frame("any", "rate_limited");
      this.#log.warn({ hostId: this.#hostId }, "agent frame flood, closing");
      this.#fail("rate_limited", "too many frames", CLOSE_CODES.rateLimited);
      return;
    }
    if (isBinary) {
      this.#frame("binary", "malformed");
      this.#error("bad_frame", "binary frames are not part of the protocol");
      return;
    }
    const bytes = rawDataBytes(data);
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      this.#frame("unknown", "malformed");
      this.#log.info("agent frame is not JSON, ignored");
      this.#error("bad_frame", "frame is not JSON");
      return;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      this.#frame("unknown", "malformed");
      this.#error("bad_frame", "frame is not a JSON object");
      return;
    }
    const { v, type } = raw as { v?: unknown; type?: unknown };
    if (typeof v === "number" && v !== PROTOCOL_VERSION) {
      this.#frame("unknown", "unsupported_version");
      this.#fail(
        "unsupported_version",
        `protocol version ${PROTOCOL_VERSION} only`,
        CLOSE_CODES.protocolError,
      );
      return;
    }
    const typeName = typeof type === "string" && KNOWN_TYPES.has(type) ? type : null;
    if (typeName === null) {
      // the protocol grows by adding types: an unknown one is logged and ignored, never an error
      this.#frame("unknown", "ignored");
      this.#log.info(
        { type: typeof type === "string" ? type.slice(0, 64) : typeof type },
        "unknown agent message type ignored",
      );
      return;
    }
    const parsed = AgentMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.#frame(typeName, "malformed");
      const where = parsed.error.issues[0]?.path.join(".") || "frame";
      this.#log.info({ type: typeName, where }, "invalid agent frame ignored");
      this.#error("bad_frame", `invalid ${typeName} frame at ${where}`);
      return;
    }
    const message = parsed.data;
    if (message.type === "hello") {
      if (this.#state !== "awaiting_hello") {
        this.#frame("hello", "malformed");
        this.#error("bad_frame", "hello already received");
        return;
      }
      clearTimeout(this.#helloTimer);
      const retryAfterMs = this.deps.admission?.admit() ?? null;
      if (retryAfterMs !== null) {
        // busy: told at once when to come back, instead of waiting into its handshake timeout
        this.#frame("hello", "deferred");
        this.#send({ v: PROTOCOL_VERSION, type: "retry", afterMs: retryAfterMs });
        this.#state = "draining";
        this.close(CLOSE_CODES.tryAgainLater, "busy, retry later");
        return;
      }
      this.#state = "authenticating";
      this.#enqueue(
        bytes,
        this.#counted(() => this.#hello(message)),
      );
      return;
    }
    if (this.#state === "awaiting_hello") {
      this.#frame(message.type, "before_hello");
      this.#fail("hello_required", "send hello first", CLOSE_CODES.protocolError);
      return;
    }
    if (message.type === "snapshot")
      this.#enqueue(
        bytes,
        this.#counted(() => this.#snapshot(message)),
      );
    else this.#enqueue(bytes, () => this.#heartbeat());
  }

  /** a unit of work for admission control, from arrival until it is done */
  #counted(task: () => Promise<void>): () => Promise<void> {
    const end = this.deps.admission?.begin();
    return async () => {
      try {
        await task();
      } finally {
        end?.();
      }
    };
  }

  /** queues a frame's work behind the ones before it; its bytes count against the socket's queue limit */
  #enqueue(bytes: number, task: () => Promise<void>): void {
    this.#queueGuard.received(bytes);
    this.#queue = this.#queue
      .then(task)
      .catch((err) => {
        this.#log.error({ err, hostId: this.#hostId }, "agent frame handling failed");
      })
      .finally(() => this.#queueGuard.handled(bytes));
  }

  async #hello(hello: Hello): Promise<void> {
    let auth: Awaited<ReturnType<Services["agents"]["authenticate"]>>;
    try {
      auth = await this.deps.agents.authenticate(hello, this.remoteAddress);
    } catch (err) {
      this.#frame("hello", "error");
      this.deps.metrics.databaseError(err, "agent");
      if (this.deps.database.failed(err) !== null) {
        this.#backOff("database unavailable");
        return;
      }
      this.#log.error({ err }, "agent authentication failed");
      this.#fail("internal", "server error, try again later", CLOSE_CODES.tryAgainLater);
      return;
    }
    this.deps.database.succeeded();
    if (!auth.ok) {
      this.#frame("hello", "refused");
      this.#log.warn({ hostname: hello.hostname, machineId: hello.machineId, code: auth.code }, auth.message);
      const refusal = REFUSALS[auth.code];
      if (auth.retryAfterMs !== undefined) {
        this.#send({ v: PROTOCOL_VERSION, type: "retry", afterMs: auth.retryAfterMs });
      }
      this.#fail(refusal.error, auth.message, refusal.close);
      return;
    }
    if (!this.deps.hostSockets.admit(auth.hostId, this)) {
      const max = this.deps.hostSockets.max;
      this.#frame("hello", "refused");
      this.deps.metrics.refused.inc({ reason: "per_host_limit" });
      this.#log.warn(
        { hostId: auth.hostId, max },
        "agent socket refused: the host already holds its sockets",
      );
      this.#fail("rate_limited", `this host already has ${max} open socket(s)`, CLOSE_CODES.tooManySockets);
      return;
    }
    this.#hostId = auth.hostId;
    // a record made by this hello carries no mark: one read fewer per new agent (issue 13)
    this.#ingestFailing = auth.fresh
      ? false
      : await this.deps.agents.isIngestFailing(auth.hostId).catch(() => true);
    this.#log.info({ hostId: auth.hostId, enrolled: auth.credential !== undefined }, "agent connected");
    if (this.#state === "authenticating") this.#state = "ready";
    this.#frame("hello", "ok");
    this.#send({
      v: PROTOCOL_VERSION,
      type: "welcome",
      hostId: auth.hostId,
      ...(auth.credential ? { credential: auth.credential } : {}),
      heartbeatSec: this.deps.config.heartbeatSec,
    });
  }

  async #snapshot(message: SnapshotMessage): Promise<void> {
    const hostId = this.#hostId;
    if (!hostId) return;
    const started = performance.now();
    try {
      const result = await this.deps.agents.ingest(hostId, message);
      this.deps.metrics.ingestSeconds.observe((performance.now() - started) / 1000);
      if (result.stored) this.deps.metrics.snapshotsStored.inc();
      if (result.transition) this.deps.metrics.transitions.inc();
      this.#frame("snapshot", "ok");
      this.deps.database.succeeded("snapshot");
      if (this.#ingestFailing) {
        this.#ingestFailing = false;
        await this.deps.agents.clearIngestFailure(hostId).catch((err) => {
          this.#ingestFailing = true;
          this.#log.warn({ err, hostId }, "could not clear the ingest-failing mark");
        });
      }
      // ack only now: the transaction has committed (at-least-once delivery, product.md §5)
      this.#send({ v: PROTOCOL_VERSION, type: "ack", seq: message.seq });
    } catch (err) {
      this.#frame("snapshot", "error");
      if (err instanceof AppError && err.code === "not_found") {
        this.#fail("unauthorized", "host no longer enrolled", CLOSE_CODES.unauthorized);
        return;
      }
      if (err instanceof AppError && err.code === "conflict") {
        this.recordChanged();
        return;
      }
      this.deps.metrics.databaseError(err, "agent");
      const reason = ingestFailureReason(err);
      this.deps.metrics.ingestFailures.inc({ reason });
      // the host shows "evidence not stored" (when the database can still take that much)
      this.#ingestFailing = true;
      await this.deps.agents.recordIngestFailure(hostId, reason).catch((markErr) => {
        this.#log.warn({ err: markErr, hostId }, "could not mark the host as ingest-failing");
      });
      if (this.deps.database.failed(err) !== null) {
        // not acked, so the agent keeps it and sends it again after the pause (product.md §5)
        this.#log.info(
          { hostId, seq: message.seq },
          "snapshot not stored: database unavailable, agent told to retry",
        );
        this.#backOff("database unavailable");
        return;
      }
      this.#log.error({ err, hostId, seq: message.seq }, "snapshot not stored");
      this.#error("internal", "snapshot not stored, send it again");
    }
  }

  async #heartbeat(): Promise<void> {
    const hostId = this.#hostId;
    if (!hostId) return;
    try {
      await this.deps.agents.heartbeat(hostId);
      this.#frame("heartbeat", "ok");
    } catch (err) {
      this.#frame("heartbeat", "error");
      if (err instanceof AppError && err.code === "not_found") {
        this.#fail("unauthorized", "host no longer enrolled", CLOSE_CODES.unauthorized);
        return;
      }
      if (err instanceof AppError && err.code === "conflict") {
        this.recordChanged();
        return;
      }
      this.deps.metrics.databaseError(err, "agent");
      if (this.deps.database.failed(err) !== null) {
        this.#backOff("database unavailable");
        return;
      }
      this.#log.warn({ err, hostId }, "heartbeat not recorded");
    }
  }
}

/** Size of a ws message as delivered (a Buffer, fragments, or an ArrayBuffer). */
function rawDataBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** The reason a snapshot was not stored: the database's kind of fault, or the judge (core) threw. */
function ingestFailureReason(err: unknown): IngestFailureReason {
  const unavailable = databaseUnavailableReason(err);
  if (unavailable === "timeout") return "database_timeout";
  if (unavailable === "storage") return "database_storage";
  if (unavailable !== null) return "database_connection";
  if (isDatabaseError(err)) return "database_rejected";
  return "judge";
}
