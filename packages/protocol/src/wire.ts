/**
 * The agent ⇄ server WebSocket protocol, version 1. JSON text frames, one message each.
 * Grows only by adding: a new message type or an optional field; nothing is renamed in place.
 * Written with zod/mini so the agent bundle stays small (docs/stack.md §10).
 *
 *   agent → server: hello, snapshot, heartbeat
 *   server → agent: welcome, ack, error, retry
 */

import { SOURCE_ERRORS } from "@kdumpwatch/core";
import * as z from "zod/mini";
import { cleanWireText } from "./clean-text.ts";

export const PROTOCOL_VERSION = 1;
/** Largest frame the server accepts; larger ones close the socket with 1009. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** WebSocket close codes the server uses, and what an agent does about them. */
export const CLOSE_CODES = {
  /** frame larger than MAX_FRAME_BYTES (RFC 6455) */
  tooBig: 1009,
  /** server restarting or shedding load: reconnect with backoff, honouring any retry hint */
  goingAway: 1001,
  tryAgainLater: 1013,
  /** malformed frame, wrong order (snapshot before hello), unsupported version: do not retry fast */
  protocolError: 4400,
  /** enrollment token or host credential refused */
  unauthorized: 4401,
  /** too many frames from one socket, or too many enrollments with one token */
  rateLimited: 4429,
  /**
   * the host was decommissioned on the server: its credential is revoked. The agent neither enrolls
   * again nor retries fast (docs/security.md "Identity and lifecycle").
   */
  decommissioned: 4410,
  /** the host's credential already holds the most sockets the server allows; this (newest) one is refused */
  tooManySockets: 4409,
  /** the socket's queued bytes stayed over the server's limit (it had stopped reading it first) */
  queueFull: 4413,
} as const;

/**
 * Every string of the wire is host-derived (or host-bound) text: NUL and lone surrogates, which
 * PostgreSQL refuses in `text` and `jsonb`, become U+FFFD as it is parsed (clean-text.ts), so
 * everything the server stores from an agent is storable.
 */
const anyText = () => z.string().check(z.overwrite(cleanWireText));
const text = (max: number) => z.string().check(z.maxLength(max), z.overwrite(cleanWireText));

export const SourceResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    text: anyText(),
    truncated: z.optional(z.boolean()),
    via: z.optional(text(512)),
    exitCode: z.optional(z.number()),
  }),
  z.object({
    ok: z.literal(false),
    error: z.enum(SOURCE_ERRORS),
    detail: z.optional(text(2048)),
    via: z.optional(text(512)),
  }),
]);

/** The raw evidence; unknown source names are kept (a newer agent may send more than we parse). */
export const SnapshotSchema = z.object({
  sources: z.record(text(128), SourceResultSchema),
  collectedAt: text(64),
});

const AuthSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("enroll"),
    token: text(256),
    /**
     * The agent's enroll key (`<stateDir>/enroll-key`, random, mode 0600; added after v1, optional).
     * The server keeps its sha256 with the host record; presenting it again proves "this is that
     * host again" (a lost welcome, a lost credential file). Without it, an enrollment with an
     * enrolled machine-id makes a new record marked as a suspected duplicate, never a takeover.
     */
    key: z.optional(text(256)),
  }),
  z.object({ kind: z.literal("credential"), hostId: text(64), secret: text(256) }),
]);

export const HelloSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal("hello"),
  agentVersion: text(64),
  machineId: text(128),
  hostname: text(255),
  auth: AuthSchema,
  /**
   * Host labels from the agent's configuration (added after v1; optional, so older agents and
   * servers keep working). Lenient here: the server keeps the entries that pass its label rules
   * (labels.ts) and logs the others, so a label never costs a host its reports.
   */
  labels: z.optional(
    z
      .record(text(64), text(256))
      .check(z.refine((r) => Object.keys(r).length <= 64, { error: "too many labels" })),
  ),
});

export const SnapshotMessageSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal("snapshot"),
  /** per-connection-independent, monotonically increasing per agent process */
  seq: z.number(),
  /**
   * The agent's change key: sha256 hex of the canonical JSON of `snapshot.sources`, volatile numbers
   * coarsened (apps/agent hashSources). Informational for the server, which hashes what it received.
   */
  hash: text(128),
  snapshot: SnapshotSchema,
});

export const HeartbeatSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal("heartbeat"),
});

export const AgentMessageSchema = z.discriminatedUnion("type", [
  HelloSchema,
  SnapshotMessageSchema,
  HeartbeatSchema,
]);

export const WelcomeSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal("welcome"),
  hostId: text(64),
  /** present only on first enrollment: the host's own credential, to be stored with mode 0600 */
  credential: z.optional(z.object({ hostId: text(64), secret: text(256) })),
  heartbeatSec: z.number(),
});

export const AckSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal("ack"),
  seq: z.number(),
});

export const ERROR_CODES = [
  "bad_frame",
  "unsupported_version",
  "hello_required",
  "unauthorized",
  "rate_limited",
  "internal",
  /** added after v1: the host is decommissioned (close 4410) */
  "decommissioned",
  /** added after v1: the enrollment token already enrolled its maximum number of hosts (close 4401) */
  "host_cap_reached",
] as const;

export const ErrorMessageSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal("error"),
  code: z.enum(ERROR_CODES),
  message: text(1024),
});

export const RetrySchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  type: z.literal("retry"),
  afterMs: z.number(),
});

export const ServerMessageSchema = z.discriminatedUnion("type", [
  WelcomeSchema,
  AckSchema,
  ErrorMessageSchema,
  RetrySchema,
]);

export type SnapshotPayload = z.infer<typeof SnapshotSchema>;
export type Hello = z.infer<typeof HelloSchema>;
export type SnapshotMessage = z.infer<typeof SnapshotMessageSchema>;
export type Heartbeat = z.infer<typeof HeartbeatSchema>;
export type AgentMessage = z.infer<typeof AgentMessageSchema>;
export type Welcome = z.infer<typeof WelcomeSchema>;
export type Ack = z.infer<typeof AckSchema>;
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type Retry = z.infer<typeof RetrySchema>;
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** Known message types; a frame with another `type` is logged and ignored, never an error. */
export const AGENT_MESSAGE_TYPES = ["hello", "snapshot", "heartbeat"] as const;
export const SERVER_MESSAGE_TYPES = ["welcome", "ack", "error", "retry"] as const;
