/**
 * The real socket: `ws` (Node 20 has no global WebSocket, stack.md §7) behind the small
 * `SocketFactory` interface. An HTTP refusal of the upgrade (e.g. 503 + Retry-After while the server
 * sheds a reconnect storm) is reported as a close with `httpStatus` and `retryAfterMs`.
 */
import type { IncomingMessage } from "node:http";
import { MAX_FRAME_BYTES } from "@kdumpwatch/protocol";
import WebSocket from "ws";
import type { ClientSocket, SocketFactory, SocketHandlers } from "./ports.ts";

export interface WsSocketOptions {
  /** TCP + TLS + HTTP upgrade must finish within this */
  handshakeTimeoutMs: number;
  /** source address to connect from (the simulator spreads its hosts over 127.0.0.0/8) */
  localAddress?: string;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function createWsSocketFactory(options: WsSocketOptions): SocketFactory {
  return (url: string, handlers: SocketHandlers): ClientSocket => {
    const ws = new WebSocket(url, {
      handshakeTimeout: options.handshakeTimeoutMs,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      followRedirects: false,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    let refused: { httpStatus: number; retryAfterMs?: number } | undefined;

    ws.on("open", () => handlers.open());
    ws.on("message", (data, isBinary) => {
      if (isBinary) return handlers.error("ignoring a binary frame");
      handlers.message(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : data.toString());
    });
    ws.on("pong", () => handlers.pong());
    ws.on("unexpected-response", (_req, res: IncomingMessage) => {
      const header = res.headers["retry-after"];
      const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, Date.now());
      refused = {
        httpStatus: res.statusCode ?? 0,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
      res.resume();
      ws.terminate();
    });
    ws.on("error", (err) => {
      // after a refused upgrade, ws reports its own abort as an error: the status says more
      if (refused === undefined) handlers.error(describeError(err));
    });
    ws.on("close", (code, reason) => {
      handlers.close({ code, reason: reason.toString("utf8").slice(0, 123), ...refused });
    });

    return {
      send(data) {
        if (ws.readyState === WebSocket.OPEN) ws.send(data);
      },
      ping() {
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      },
      close(code, reason) {
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(code, reason);
      },
      terminate() {
        ws.terminate();
      },
    };
  };
}

function describeError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined || err.message.includes(code)) return err.message || "connection error";
  // Node's happy-eyeballs connect fails with an AggregateError whose message is empty
  return err.message === "" ? code : `${code}: ${err.message}`;
}
