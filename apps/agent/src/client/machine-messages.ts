/**
 * What the agent does with each server frame (wire protocol v1: welcome, ack, error, retry).
 * Every frame is schema-checked; a frame of an unknown type is logged and ignored, because the
 * protocol grows by adding (house-style §13).
 */
import type { Ack, ErrorMessage, Retry, Welcome } from "@kdumpwatch/protocol";
import { SERVER_MESSAGE_TYPES, ServerMessageSchema } from "@kdumpwatch/protocol";
import type { ClientModel, Effect, StepEnv, StepResult } from "./machine-model.ts";
import { CONNECTION_TIMERS, finish, log, sendPendingIfReady, withEffects } from "./machine-model.ts";

/** The server's heartbeat interval is obeyed within sane bounds. */
const MIN_HEARTBEAT_MS = 1_000;
const MAX_HEARTBEAT_MS = 3_600_000;

export function onServerMessage(model: ClientModel, data: string, env: StepEnv): StepResult {
  if (model.conn.kind !== "open") return { model, effects: [] };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return {
      model,
      effects: [log("warn", "ignoring a server frame that is not JSON", { bytes: data.length })],
    };
  }
  const parsed = ServerMessageSchema.safeParse(json);
  if (!parsed.success) {
    const type = typeof json === "object" && json !== null ? (json as { type?: unknown }).type : undefined;
    const known = (SERVER_MESSAGE_TYPES as readonly unknown[]).includes(type);
    const msg = known ? "ignoring a malformed server frame" : "ignoring a server frame of unknown type";
    return { model, effects: [log(known ? "warn" : "info", msg, { type: String(type).slice(0, 64) })] };
  }
  const message = parsed.data;
  switch (message.type) {
    case "welcome":
      return onWelcome(model, message, env);
    case "ack":
      return onAck(model, message, env);
    case "retry":
      return onRetry(model, message);
    case "error":
      return onError(model, message, env);
  }
}

function onWelcome(model: ClientModel, welcome: Welcome, env: StepEnv): StepResult {
  const { conn } = model;
  if (conn.kind !== "open" || conn.welcomed) {
    return { model, effects: [log("debug", "ignoring a second welcome")] };
  }
  const heartbeatMs = Math.min(Math.max(welcome.heartbeatSec * 1000, MIN_HEARTBEAT_MS), MAX_HEARTBEAT_MS);
  const effects: Effect[] = [
    { type: "clear-timer", timer: "handshake" },
    { type: "set-timer", timer: "heartbeat", ms: heartbeatMs },
  ];
  let credential = model.credential;
  if (welcome.credential !== undefined) {
    credential = { hostId: welcome.credential.hostId, secret: welcome.credential.secret };
    effects.push({ type: "save-credential", credential });
    effects.push(log("info", "enrolled", { hostId: credential.hostId }));
  }
  effects.push(
    log("info", "connected", {
      url: env.options.url,
      hostId: welcome.hostId,
      heartbeatSec: heartbeatMs / 1000,
    }),
  );
  const next: ClientModel = {
    ...model,
    credential,
    attempt: 0,
    conn: { ...conn, welcomed: true, heartbeatMs },
  };
  return withEffects(sendPendingIfReady(next, env), effects);
}

function onAck(model: ClientModel, ack: Ack, env: StepEnv): StepResult {
  const { pending } = model;
  if (pending === null || ack.seq !== pending.seq) {
    // an ack for a snapshot superseded by a newer one, or a duplicate: harmless
    return { model, effects: [log("debug", "ignoring an ack for another snapshot", { seq: ack.seq })] };
  }
  const next: ClientModel = { ...model, pending: null, ackedHash: pending.hash };
  const effects: Effect[] = [
    { type: "clear-timer", timer: "ack" },
    { type: "clear-timer", timer: "resend" },
    log("info", "snapshot acknowledged", { seq: ack.seq, hash: pending.hash.slice(0, 12) }),
  ];
  if (env.options.once) return withEffects(finish(next, { ok: true, reason: "acked" }, 1000), effects);
  return { model: next, effects };
}

/** The server is shedding load: remember the hint and leave; the close handler waits at least that. */
function onRetry(model: ClientModel, retry: Retry): StepResult {
  return {
    model: { ...model, hintMs: retry.afterMs },
    effects: [
      log("info", "server asked to retry later", { afterMs: retry.afterMs }),
      ...CONNECTION_TIMERS.map((timer): Effect => ({ type: "clear-timer", timer })),
      { type: "close", code: 1000, reason: "retry requested" },
    ],
  };
}

/** A little later, not at once: a server whose database hiccups should not get every snapshot back together. */
const RESEND_MIN_MS = 1_000;
const RESEND_JITTER_MS = 5_000;

function onError(model: ClientModel, error: ErrorMessage, env: StepEnv): StepResult {
  // the text comes from the server and is escaped by the logger; the close code decides what next
  const next = {
    ...model,
    serverError: error.code,
    lastError: `server error ${error.code}: ${error.message}`,
  };
  const effects: Effect[] = [
    log("warn", "server reported an error", { code: error.code, detail: error.message }),
  ];
  if (error.code === "internal" && model.pending?.sent === true) {
    // "snapshot not stored, send it again": on this connection, after a short jittered pause
    const ms = RESEND_MIN_MS + Math.floor(env.random() * RESEND_JITTER_MS);
    effects.push({ type: "set-timer", timer: "resend", ms });
  }
  return { model: next, effects };
}
