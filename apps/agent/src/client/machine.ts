/**
 * The agent's connection as an explicit state machine (house-style §16): pure, no I/O, no clock.
 * `step(model, event, env)` returns the next model and a list of effects (connect, send, set a timer,
 * log…) that `AgentClient` carries out. Everything a test wants to pin down — backoff, close codes,
 * at-least-once delivery, heartbeats, liveness — is decided here.
 *
 *   idle ──first snapshot──▶ connecting ──open──▶ open ──close/terminate──▶ backoff ──timer──▶ connecting
 *     any ──stop / once done──▶ stopped
 */
import type { AgentMessage } from "@kdumpwatch/protocol";
import { PROTOCOL_VERSION } from "@kdumpwatch/protocol";
import { onSocketClosed } from "./machine-close.ts";
import { onServerMessage } from "./machine-messages.ts";
import type { ClientEvent, ClientModel, Effect, StepEnv, StepResult, TimerName } from "./machine-model.ts";
import { finish, log, sendPendingIfReady, startConnecting, withEffects } from "./machine-model.ts";

export function step(model: ClientModel, event: ClientEvent, env: StepEnv): StepResult {
  if (model.conn.kind === "stopped") return { model, effects: [] };
  switch (event.type) {
    case "start":
      return onStart(model, env);
    case "stop":
      return finish(model, { ok: true, reason: "stopped" }, 1000);
    case "collect-now":
      return startCollecting(model);
    case "collected":
      return onCollected(model, event, env);
    case "collect-failed":
      return onCollectFailed(model, event.detail, env);
    case "socket-open":
      return onOpen(model, env);
    case "socket-message":
      return onServerMessage(model, event.data, env);
    case "socket-pong":
      return model.conn.kind === "open"
        ? { model: { ...model, conn: { ...model.conn, awaitingPong: false } }, effects: [] }
        : { model, effects: [] };
    case "socket-error":
      return { model: { ...model, lastError: event.detail }, effects: [] };
    case "socket-closed":
      return onSocketClosed(model, event, env);
    case "timer":
      return onTimer(model, event.timer, env);
  }
}

function onStart(model: ClientModel, env: StepEnv): StepResult {
  const started = startCollecting(model);
  if (env.options.once) {
    started.effects.push({ type: "set-timer", timer: "deadline", ms: env.options.onceTimeoutMs });
  }
  return started;
}

function startCollecting(model: ClientModel): StepResult {
  if (model.collecting) return { model, effects: [log("debug", "collection already running")] };
  return {
    model: { ...model, collecting: true },
    effects: [{ type: "clear-timer", timer: "collect" }, { type: "collect" }],
  };
}

function onCollected(
  model: ClientModel,
  event: Extract<ClientEvent, { type: "collected" }>,
  env: StepEnv,
): StepResult {
  const effects: Effect[] = [];
  let next: ClientModel = { ...model, collecting: false, identity: event.identity };
  if (!env.options.once) {
    effects.push({ type: "set-timer", timer: "collect", ms: env.options.collectIntervalMs });
  }
  const known = model.pending?.hash ?? model.ackedHash;
  if (event.hash !== known) {
    const pending = { seq: model.nextSeq, hash: event.hash, snapshot: event.snapshot, sent: false };
    next = { ...next, pending, nextSeq: model.nextSeq + 1 };
    const msg = known === null ? "first snapshot collected" : "evidence changed";
    effects.push(log("info", msg, { seq: pending.seq, hash: event.hash.slice(0, 12) }));
  }
  if (next.conn.kind === "idle") return withEffects(startConnecting(next, env), effects);
  return withEffects(sendPendingIfReady(next, env), effects);
}

function onCollectFailed(model: ClientModel, detail: string, env: StepEnv): StepResult {
  const next = { ...model, collecting: false };
  if (env.options.once) return finish(next, { ok: false, reason: "collect", detail }, 1000);
  return {
    model: next,
    effects: [
      log("error", "collection failed", { error: detail }),
      { type: "set-timer", timer: "collect", ms: env.options.collectIntervalMs },
    ],
  };
}

function onOpen(model: ClientModel, env: StepEnv): StepResult {
  if (model.conn.kind !== "connecting" || model.identity === null) return { model, effects: [] };
  const { auth } = model.conn;
  const credential = model.credential;
  const hello: AgentMessage = {
    v: PROTOCOL_VERSION,
    type: "hello",
    agentVersion: env.options.agentVersion,
    machineId: model.identity.machineId,
    hostname: model.identity.hostname,
    ...(env.options.labels === undefined ? {} : { labels: { ...env.options.labels } }),
    auth:
      auth === "credential" && credential !== null
        ? { kind: "credential", hostId: credential.hostId, secret: credential.secret }
        : {
            kind: "enroll",
            token: env.options.enrollToken ?? "",
            ...(env.options.enrollKey === undefined ? {} : { key: env.options.enrollKey }),
          },
  };
  return {
    model: { ...model, conn: { kind: "open", auth, welcomed: false, awaitingPong: false, heartbeatMs: 0 } },
    effects: [
      { type: "send", message: hello },
      { type: "set-timer", timer: "ping", ms: env.options.pingIntervalMs },
    ],
  };
}

function onTimer(model: ClientModel, timer: TimerName, env: StepEnv): StepResult {
  const { conn } = model;
  switch (timer) {
    case "collect":
      return startCollecting(model);
    case "reconnect":
      return conn.kind === "backoff" ? startConnecting(model, env) : { model, effects: [] };
    case "deadline":
      return finish(model, { ok: false, reason: "timeout", detail: timeoutDetail(model, env) }, 1000);
    case "ping":
      if (conn.kind !== "open") return { model, effects: [] };
      if (conn.awaitingPong) {
        return {
          model: { ...model, lastError: "no pong from the server" },
          effects: [log("warn", "no pong from the server, dropping the connection"), { type: "terminate" }],
        };
      }
      return {
        model: { ...model, conn: { ...conn, awaitingPong: true } },
        effects: [{ type: "ping" }, { type: "set-timer", timer: "ping", ms: env.options.pingIntervalMs }],
      };
    case "heartbeat":
      if (conn.kind !== "open" || !conn.welcomed) return { model, effects: [] };
      return {
        model,
        effects: [
          { type: "send", message: { v: PROTOCOL_VERSION, type: "heartbeat" } },
          { type: "set-timer", timer: "heartbeat", ms: conn.heartbeatMs },
        ],
      };
    case "handshake":
      if (conn.kind === "connecting" || (conn.kind === "open" && !conn.welcomed)) {
        return {
          model: { ...model, lastError: "no welcome from the server in time" },
          effects: [log("warn", "handshake timed out, dropping the connection"), { type: "terminate" }],
        };
      }
      return { model, effects: [] };
    case "resend":
      if (model.pending === null) return { model, effects: [] };
      return sendPendingIfReady({ ...model, pending: { ...model.pending, sent: false } }, env);
    case "ack":
      if (conn.kind !== "open" || model.pending?.sent !== true) return { model, effects: [] };
      return {
        model: { ...model, lastError: "no ack from the server in time" },
        effects: [
          log("warn", "snapshot not acknowledged in time, reconnecting", { seq: model.pending.seq }),
          { type: "terminate" },
        ],
      };
  }
}

function timeoutDetail(model: ClientModel, env: StepEnv): string {
  const seconds = Math.round(env.options.onceTimeoutMs / 1000);
  const why = model.lastError === null ? "" : ` (last error: ${model.lastError})`;
  switch (model.conn.kind) {
    case "open":
      return model.conn.welcomed
        ? `the server did not acknowledge the snapshot within ${seconds} s`
        : `the server did not answer the hello within ${seconds} s`;
    case "idle":
      return `the first collection did not finish within ${seconds} s`;
    default:
      return `could not reach ${env.options.url} within ${seconds} s${why}`;
  }
}
