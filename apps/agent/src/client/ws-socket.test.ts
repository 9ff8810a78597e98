import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AgentMessageSchema } from "@kdumpwatch/protocol";
import { evidence } from "@kdumpwatch/testkit/agent";
import { afterEach, describe, expect, test } from "vitest";
import { WebSocketServer } from "ws";
import { AgentClient } from "./agent-client.ts";
import { createMemoryCredentialStore } from "./credential-store.ts";
import type { CloseInfo } from "./ports.ts";
import { systemClock } from "./ports.ts";
import { createWsSocketFactory, parseRetryAfter } from "./ws-socket.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

function recordingHandlers() {
  const events: string[] = [];
  let resolveClose: (info: CloseInfo) => void = () => {};
  const closed = new Promise<CloseInfo>((r) => {
    resolveClose = r;
  });
  return {
    events,
    closed,
    handlers: {
      open: () => events.push("open"),
      message: (d: string) => events.push(`message:${d}`),
      pong: () => events.push("pong"),
      error: (d: string) => events.push(`error:${d}`),
      close: (info: CloseInfo) => {
        events.push(`close:${info.code}`);
        resolveClose(info);
      },
    },
  };
}

describe("parseRetryAfter", () => {
  test.each([
    ["30", 30_000],
    [" 0 ", 0],
    ["Thu, 01 Jan 1970 00:01:40 GMT", 40_000],
    ["soon", undefined],
    [undefined, undefined],
  ])("%j → %j ms", (header, expected) => {
    expect(parseRetryAfter(header, 60_000)).toBe(expected);
  });
});

describe("ws socket factory", () => {
  test("an HTTP 503 with Retry-After on the upgrade is reported as a close with the status and the hint", async () => {
    const port = await listen(
      createServer((_req, res) => {
        res.writeHead(503, { "retry-after": "17" }).end("busy");
      }),
    );
    const r = recordingHandlers();
    createWsSocketFactory({ handshakeTimeoutMs: 5_000 })(`ws://127.0.0.1:${port}/api/agent/ws`, r.handlers);
    const info = await r.closed;
    expect(info).toMatchObject({ httpStatus: 503, retryAfterMs: 17_000 });
    expect(
      r.events.filter((e) => e.startsWith("error")),
      "the abort is not reported as an error",
    ).toEqual([]);
  });

  test("a refused connection reports the errno, then a close", async () => {
    const port = await listen(createServer());
    await new Promise((r) => servers.pop()?.close(r));
    const r = recordingHandlers();
    createWsSocketFactory({ handshakeTimeoutMs: 5_000 })(`ws://127.0.0.1:${port}/`, r.handlers);
    const info = await r.closed;
    expect(info.code).toBe(1006);
    expect(r.events[0]).toMatch(/^error:.*ECONNREFUSED/);
  });

  test("an AgentClient enrolls over a real socket and gets its snapshot acknowledged (--once)", async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: "/api/agent/ws" });
    const received: string[] = [];
    wss.on("connection", (ws) => {
      ws.on("message", (data) => {
        const msg = AgentMessageSchema.parse(JSON.parse(String(data)));
        received.push(msg.type);
        if (msg.type === "hello") {
          ws.send(
            JSON.stringify({
              v: 1,
              type: "welcome",
              hostId: "h",
              heartbeatSec: 30,
              credential: { hostId: "h", secret: "s" },
            }),
          );
        }
        if (msg.type === "snapshot") ws.send(JSON.stringify({ v: 1, type: "ack", seq: msg.seq }));
      });
    });
    const port = await listen(http);
    const store = createMemoryCredentialStore();
    const client = new AgentClient(
      {
        collect: async () => evidence("crashkernel=256M"),
        connect: createWsSocketFactory({ handshakeTimeoutMs: 5_000 }),
        clock: systemClock,
        log: { log: () => {} },
        store,
        fallbackHostname: "h",
      },
      { agentVersion: "t", url: `ws://127.0.0.1:${port}/api/agent/ws`, enrollToken: "tok", once: true },
    );
    await expect(client.run()).resolves.toEqual({ ok: true, reason: "acked" });
    expect(received).toEqual(["hello", "snapshot"]);
    expect(store.current()).toEqual({ hostId: "h", secret: "s" });
    wss.close();
  });
});
