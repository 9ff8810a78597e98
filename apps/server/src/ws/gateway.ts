import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CLOSE_CODES, MAX_FRAME_BYTES } from "@kdumpwatch/protocol";
import { WebSocketServer } from "ws";
import type { Hub } from "../hub.ts";
import { createAdmission } from "./admission.ts";
import { AgentConnection, type ConnectionDeps } from "./agent-connection.ts";
import { PingSweep, SWEEP_EVERY_MS } from "./ping-sweep.ts";
import { HostSocketLimit } from "./socket-limits.ts";

const AGENT_WS_PATH = "/api/agent/ws";

export interface AgentGateway {
  /** for http.Server's 'upgrade' event: the only way into the WebSocket server */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly connected: number;
  /** stop accepting, let accepted frames finish (commit + ack), then close every socket with 1001 */
  shutdown(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({
    error: { code: reason, message: reason.replace(/_/g, " "), requestId: "upgrade" },
  });
  const headers = {
    Connection: "close",
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
    ...extra,
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n${lines.join("\r\n")}\r\n\r\n${body}`);
}

const STATUS_TEXT: Record<number, string> = {
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

/**
 * Agent WebSockets on a plain `ws` server in noServer mode (docs/stack.md §7): hono never sees an
 * upgrade, so the dashboard's SPA fallback cannot answer one; any other path is a 404.
 */
export function createAgentGateway(deps: Omit<ConnectionDeps, "hostSockets"> & { hub?: Hub }): AgentGateway {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false });
  const connections = new Set<AgentConnection>();
  const perAddress = new Map<string, number>();
  let accepting = true;
  const { log, metrics, config } = deps;
  const hostSockets = new HostSocketLimit(config.maxSocketsPerHost);
  const admission = createAdmission({ withinMs: config.admitWithinMs, minInFlight: config.admitMinInFlight });
  const connectionDeps: ConnectionDeps = { ...deps, admission, hostSockets };

  // sockets heard from within PING_EVERY_MS are not pinged; dead ones are still reaped within 60 s
  // of their last frame (ping-sweep.ts)
  const pings = new PingSweep<AgentConnection>();
  const pinger = setInterval(() => pings.sweep(Date.now()), SWEEP_EVERY_MS);
  pinger.unref();
  // a host decommissioned or merged (by any server process): its socket here is closed at once
  const unsubscribe =
    deps.hub?.subscribe((event) => {
      if (event.type !== "host" || event.host.decommissionedAt === null) return;
      for (const c of connections) if (c.hostId === event.host.id) c.recordChanged();
    }) ?? (() => {});

  return {
    handleUpgrade(req, socket, head) {
      // without this an aborted handshake is an uncaught exception
      socket.on("error", (err) => log.debug({ err }, "upgrade socket error"));
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path !== AGENT_WS_PATH) {
        metrics.refused.inc({ reason: "not_found" });
        return refuse(socket, 404, "not_found");
      }
      if (!accepting) {
        metrics.refused.inc({ reason: "shutting_down" });
        return refuse(socket, 503, "unavailable", { "Retry-After": "5" });
      }
      const address = req.socket.remoteAddress ?? "unknown";
      const open = perAddress.get(address) ?? 0;
      if (config.maxConnectionsPerAddress > 0 && open >= config.maxConnectionsPerAddress) {
        metrics.refused.inc({ reason: "per_address_limit" });
        log.warn({ address, open }, "agent connection refused: per-address limit");
        return refuse(socket, 429, "rate_limited", { "Retry-After": "30" });
      }
      perAddress.set(address, open + 1);
      socket.once("close", () => {
        const n = (perAddress.get(address) ?? 1) - 1;
        if (n <= 0) perAddress.delete(address);
        else perAddress.set(address, n);
      });
      wss.handleUpgrade(req, socket, head, (ws) => {
        // REQUIRED (docs/stack.md §7): an oversize frame otherwise kills the process; ws then closes with 1009
        ws.on("error", (err) => log.info({ err: err.message, address }, "agent socket error"));
        const connection = new AgentConnection(ws, address, connectionDeps);
        connections.add(connection);
        pings.opened(connection, Date.now());
        const heard = () => pings.heard(connection, Date.now());
        ws.on("message", heard);
        ws.on("ping", heard);
        ws.on("pong", heard);
        ws.on("close", () => {
          connections.delete(connection);
          pings.closed(connection);
        });
      });
    },
    get connected() {
      return connections.size;
    },
    async shutdown() {
      accepting = false;
      clearInterval(pinger);
      unsubscribe();
      await Promise.all([...connections].map((c) => c.drain()));
      const closed = [...connections].map(async (c) => {
        c.close(CLOSE_CODES.goingAway, "server shutting down");
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            c.terminate();
            resolve();
          }, 2000);
        });
        await Promise.race([c.closed, late]);
        clearTimeout(timer);
      });
      await Promise.all(closed);
      wss.close();
    },
  };
}
