/**
 * A socket ended: decide why, how long to wait, and whether `--once` gives up. Close codes are those
 * of wire.ts `CLOSE_CODES` plus RFC 6455's; an HTTP refusal of the upgrade (429/503 with Retry-After)
 * counts as "overloaded". The agent never gives up on its own in daemon mode: a refused credential
 * without an enrollment token is logged loudly and retried slowly (an operator may fix the server).
 */
import { CLOSE_CODES } from "@kdumpwatch/protocol";
import type { ReconnectReason } from "./backoff.ts";
import { reconnectDelay } from "./backoff.ts";
import type { ClientEvent, ClientModel, Effect, Outcome, StepEnv, StepResult } from "./machine-model.ts";
import { CONNECTION_TIMERS, finish, log } from "./machine-model.ts";

/** RFC 6455 codes after which retrying at once would only repeat the failure. */
const SLOW_CODES: readonly number[] = [
  CLOSE_CODES.protocolError,
  CLOSE_CODES.tooBig,
  1002, // protocol error
  1003, // unsupported data
  1007, // invalid payload
  1008, // policy violation
];
const OVERLOADED_CODES: readonly number[] = [
  CLOSE_CODES.tryAgainLater,
  CLOSE_CODES.rateLimited,
  CLOSE_CODES.tooManySockets,
  CLOSE_CODES.queueFull,
];
const OVERLOADED_HTTP: readonly number[] = [429, 503];

interface Decision {
  reason: ReconnectReason;
  /** the next attempt enrolls instead of presenting the refused credential */
  dropCredential: boolean;
  /** `--once` gives up with this outcome */
  onceFailure: Outcome | null;
  message: Effect | null;
}

export function onSocketClosed(
  model: ClientModel,
  event: Extract<ClientEvent, { type: "socket-closed" }>,
  env: StepEnv,
): StepResult {
  const { conn } = model;
  if (conn.kind !== "connecting" && conn.kind !== "open") return { model, effects: [] };
  const hintMs = model.hintMs ?? event.retryAfterMs;
  const decision = decide(model, event, env, hintMs);
  const detail = closeDetail(model, event);
  if (env.options.once && decision.onceFailure !== null) {
    const effects = decision.message === null ? [] : [decision.message];
    const done = finish(model, decision.onceFailure, 1000);
    return { model: done.model, effects: [...effects, ...done.effects] };
  }
  const attempt = model.attempt + 1;
  const delayMs = reconnectDelay({
    attempt: decision.dropCredential ? 1 : attempt,
    reason: decision.reason,
    ...(hintMs === undefined ? {} : { hintMs }),
    random: env.random,
    policy: env.options.policy,
  });
  const pending = model.pending === null ? null : { ...model.pending, sent: false };
  const effects: Effect[] = CONNECTION_TIMERS.map((timer): Effect => ({ type: "clear-timer", timer }));
  if (decision.message !== null) effects.push(decision.message);
  const level = conn.kind === "open" && conn.welcomed ? "warn" : "info";
  effects.push(
    log(level, conn.kind === "open" ? "disconnected" : "connection failed", {
      ...detail,
      retryInSec: Math.round(delayMs / 100) / 10,
      attempt,
    }),
    { type: "set-timer", timer: "reconnect", ms: delayMs },
  );
  return {
    model: {
      ...model,
      conn: { kind: "backoff", delayMs },
      attempt,
      pending,
      credential: decision.dropCredential ? null : model.credential,
    },
    effects,
  };
}

function decide(
  model: ClientModel,
  event: Extract<ClientEvent, { type: "socket-closed" }>,
  env: StepEnv,
  hintMs: number | undefined,
): Decision {
  const { conn } = model;
  const auth = conn.kind === "open" || conn.kind === "connecting" ? conn.auth : "enroll";
  const url = env.options.url;
  if (event.code === CLOSE_CODES.decommissioned || model.serverError === "decommissioned") {
    // never enroll again by ourselves: that would undo the operator's decision
    const what =
      "this host was decommissioned on the server: its credential is revoked; checking again about every " +
      `${Math.round(env.options.policy.slowMs / 60_000)} min. To enroll it again as a new host, remove the state directory's credential.json and enroll-key`;
    return {
      reason: "slow",
      dropCredential: false,
      onceFailure: { ok: false, reason: "decommissioned", detail: `${what} (${url})` },
      message: log("error", what, { url, retry: env.options.once ? "no" : "slow" }),
    };
  }
  if (model.serverError === "host_cap_reached") {
    const what =
      "the enrollment token already enrolled its maximum number of hosts: ask for another token (token create --max-hosts)";
    return {
      reason: "slow",
      dropCredential: false,
      onceFailure: { ok: false, reason: "refused", detail: `${what} (${url})` },
      message: log("error", what, { url, retry: env.options.once ? "no" : "slow" }),
    };
  }
  if (event.code === CLOSE_CODES.unauthorized || model.serverError === "unauthorized") {
    if (auth === "credential" && env.options.enrollToken !== undefined) {
      return {
        reason: "normal",
        dropCredential: true,
        onceFailure: null,
        message: log(
          "warn",
          "host credential refused by the server, enrolling again with the enrollment token",
        ),
      };
    }
    const what =
      auth === "enroll"
        ? "enrollment token refused by the server: check --enroll-token / KDUMPWATCH_ENROLL_TOKEN / enrollToken"
        : "host credential refused by the server and no enrollment token is configured: set --enroll-token / KDUMPWATCH_ENROLL_TOKEN / enrollToken to enroll again";
    return {
      reason: "slow",
      dropCredential: false,
      onceFailure: { ok: false, reason: "refused", detail: `${what} (${url})` },
      message: log("error", what, { url, retry: env.options.once ? "no" : "slow" }),
    };
  }
  if (SLOW_CODES.includes(event.code)) {
    return {
      reason: "slow",
      dropCredential: false,
      onceFailure: {
        ok: false,
        reason: "refused",
        detail: `the server closed the connection with code ${event.code}${event.reason ? ` (${event.reason})` : ""}`,
      },
      message: log("error", "the server rejected our frames; an agent upgrade may be needed", {
        code: event.code,
        reason: event.reason,
      }),
    };
  }
  const overloaded =
    OVERLOADED_CODES.includes(event.code) ||
    (event.httpStatus !== undefined && OVERLOADED_HTTP.includes(event.httpStatus));
  if (overloaded || hintMs !== undefined) {
    // the server is up but busy: --once keeps trying until its deadline
    return {
      reason: overloaded && hintMs === undefined ? "overloaded" : "normal",
      dropCredential: false,
      onceFailure: null,
      message: null,
    };
  }
  const neverOpened = conn.kind === "connecting";
  const unreachable: Outcome = {
    ok: false,
    reason: "unreachable",
    detail:
      event.httpStatus !== undefined
        ? `${url} answered HTTP ${event.httpStatus} instead of a WebSocket upgrade`
        : `cannot reach ${url}${model.lastError === null ? "" : `: ${model.lastError}`}`,
  };
  return {
    reason: "normal",
    dropCredential: false,
    onceFailure: neverOpened ? unreachable : null,
    message: null,
  };
}

function closeDetail(
  model: ClientModel,
  event: Extract<ClientEvent, { type: "socket-closed" }>,
): Record<string, string | number> {
  const detail: Record<string, string | number> = { code: event.code };
  if (event.reason !== "") detail.reason = event.reason;
  if (event.httpStatus !== undefined) detail.httpStatus = event.httpStatus;
  if (model.lastError !== null) detail.error = model.lastError;
  return detail;
}
