/**
 * What the client needs from the outside world, as small interfaces, so that the daemon, the tests
 * (fake clock, fake socket) and the simulator (thousands of clients in one process) plug in their own.
 */

/** Timers and time. `systemClock` in production; tests advance a fake one by hand. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
}

/** How a socket ended; `httpStatus`/`retryAfterMs` when the upgrade itself was refused (e.g. 503). */
export interface CloseInfo {
  code: number;
  reason: string;
  httpStatus?: number;
  retryAfterMs?: number;
}

/** Callbacks a socket factory calls. `close` is called exactly once per socket, after any `error`. */
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  pong(): void;
  error(detail: string): void;
  close(info: CloseInfo): void;
}

export interface ClientSocket {
  send(data: string): void;
  ping(): void;
  close(code: number, reason: string): void;
  /** drop the TCP connection at once; `close` still follows */
  terminate(): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => ClientSocket;

/** The host's own credential, handed out by the server on first enrollment. */
export interface Credential {
  hostId: string;
  secret: string;
}

export interface CredentialStore {
  load(): Promise<Credential | null>;
  save(credential: Credential): Promise<void>;
}
