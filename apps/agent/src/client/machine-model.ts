/**
 * The state of the agent's connection and the vocabulary of the state machine (`machine.ts`):
 * model, events, effects, plus the few transitions that several event handlers share.
 */
import type { AgentMessage, ErrorCode, SnapshotPayload } from "@kdumpwatch/protocol";
import { PROTOCOL_VERSION } from "@kdumpwatch/protocol";
import type { BackoffPolicy } from "./backoff.ts";
import type { CloseInfo, Credential, LogFields, LogLevel } from "./ports.ts";

type AuthKind = "enroll" | "credential";

type Connection =
  | { kind: "idle" }
  | { kind: "connecting"; auth: AuthKind }
  | { kind: "open"; auth: AuthKind; welcomed: boolean; awaitingPong: boolean; heartbeatMs: number }
  | { kind: "backoff"; delayMs: number }
  | { kind: "stopped"; outcome: Outcome };

/** How `run` ended. `--once` maps failures to exit 2; a daemon only ever ends by `stop`. */
export type Outcome =
  | { ok: true; reason: "acked" | "stopped" }
  | {
      ok: false;
      reason: "refused" | "decommissioned" | "unreachable" | "timeout" | "collect";
      detail: string;
    };

export interface Identity {
  machineId: string;
  hostname: string;
}

/** The newest snapshot the server has not acknowledged yet; kept across reconnects. */
interface PendingSnapshot {
  seq: number;
  hash: string;
  snapshot: SnapshotPayload;
  /** sent on the current connection (cleared on every disconnect, so it is sent again) */
  sent: boolean;
}

export interface ClientModel {
  conn: Connection;
  credential: Credential | null;
  identity: Identity | null;
  pending: PendingSnapshot | null;
  /** hash of the last snapshot the server acknowledged */
  ackedHash: string | null;
  nextSeq: number;
  /** connection attempts since the last welcomed session */
  attempt: number;
  collecting: boolean;
  /** server hints and errors seen on the current connection */
  hintMs: number | undefined;
  serverError: ErrorCode | null;
  lastError: string | null;
}

export interface ClientOptions {
  agentVersion: string;
  url: string;
  enrollToken: string | undefined;
  once: boolean;
  policy: BackoffPolicy;
  collectIntervalMs: number;
  pingIntervalMs: number;
  handshakeTimeoutMs: number;
  ackTimeoutMs: number;
  /** `--once` only: give up after this long */
  onceTimeoutMs: number;
  /** `<stateDir>/enroll-key` (enroll-key.ts), sent when enrolling; absent: not sent */
  enrollKey?: string;
  /** host labels from the configuration, sent in every hello ({} clears the server's copy); absent: not sent */
  labels?: Readonly<Record<string, string>>;
}

export type TimerName =
  | "reconnect"
  | "ping"
  | "heartbeat"
  | "handshake"
  | "ack"
  | "resend"
  | "collect"
  | "deadline";

export type ClientEvent =
  | { type: "start" }
  | { type: "stop" }
  | { type: "collect-now" }
  | { type: "collected"; snapshot: SnapshotPayload; hash: string; identity: Identity }
  | { type: "collect-failed"; detail: string }
  | { type: "socket-open" }
  | { type: "socket-message"; data: string }
  | { type: "socket-pong" }
  | { type: "socket-error"; detail: string }
  | ({ type: "socket-closed" } & CloseInfo)
  | { type: "timer"; timer: TimerName };

export type Effect =
  | { type: "connect" }
  | { type: "send"; message: AgentMessage }
  | { type: "ping" }
  | { type: "close"; code: number; reason: string }
  | { type: "terminate" }
  | { type: "set-timer"; timer: TimerName; ms: number }
  | { type: "clear-timer"; timer: TimerName }
  | { type: "collect" }
  | { type: "save-credential"; credential: Credential }
  | { type: "log"; level: LogLevel; msg: string; fields?: LogFields }
  | { type: "done"; outcome: Outcome };

/** What `step` may consult besides the model: options and randomness (for jitter). */
export interface StepEnv {
  options: ClientOptions;
  random: () => number;
}

export interface StepResult {
  model: ClientModel;
  effects: Effect[];
}

export function initialModel(credential: Credential | null): ClientModel {
  return {
    conn: { kind: "idle" },
    credential,
    identity: null,
    pending: null,
    ackedHash: null,
    nextSeq: 1,
    attempt: 0,
    collecting: false,
    hintMs: undefined,
    serverError: null,
    lastError: null,
  };
}

export const log = (level: LogLevel, msg: string, fields?: LogFields): Effect =>
  fields === undefined ? { type: "log", level, msg } : { type: "log", level, msg, fields };

/** Timers that belong to one connection and die with it. */
export const CONNECTION_TIMERS: readonly TimerName[] = ["ping", "heartbeat", "handshake", "ack", "resend"];
const ALL_TIMERS: readonly TimerName[] = [...CONNECTION_TIMERS, "reconnect", "collect", "deadline"];

export function startConnecting(model: ClientModel, env: StepEnv): StepResult {
  const auth: AuthKind = model.credential !== null ? "credential" : "enroll";
  return {
    model: {
      ...model,
      conn: { kind: "connecting", auth },
      hintMs: undefined,
      serverError: null,
      lastError: null,
    },
    effects: [
      log("debug", "connecting", { url: env.options.url, auth, attempt: model.attempt + 1 }),
      { type: "connect" },
      { type: "set-timer", timer: "handshake", ms: env.options.handshakeTimeoutMs },
    ],
  };
}

/** Send the pending snapshot if the session is welcomed and it was not sent on this connection. */
export function sendPendingIfReady(model: ClientModel, env: StepEnv): StepResult {
  const { pending, conn } = model;
  if (pending === null || pending.sent || conn.kind !== "open" || !conn.welcomed) {
    return { model, effects: [] };
  }
  return {
    model: { ...model, pending: { ...pending, sent: true } },
    effects: [
      {
        type: "send",
        message: {
          v: PROTOCOL_VERSION,
          type: "snapshot",
          seq: pending.seq,
          hash: pending.hash,
          snapshot: pending.snapshot,
        },
      },
      { type: "set-timer", timer: "ack", ms: env.options.ackTimeoutMs },
    ],
  };
}

/** Stop for good: clear every timer, close any socket, report the outcome. */
export function finish(model: ClientModel, outcome: Outcome, closeCode: number): StepResult {
  const effects: Effect[] = ALL_TIMERS.map((timer): Effect => ({ type: "clear-timer", timer }));
  if (model.conn.kind === "open") effects.push({ type: "close", code: closeCode, reason: "agent done" });
  if (model.conn.kind === "connecting") effects.push({ type: "terminate" });
  effects.push({ type: "done", outcome });
  return { model: { ...model, conn: { kind: "stopped", outcome } }, effects };
}

export function withEffects(result: StepResult, before: Effect[]): StepResult {
  return { model: result.model, effects: [...before, ...result.effects] };
}
