import { WebSocketServer } from "ws";

const wss = new WebSocketServer({
  host: "127.0.0.1",
  port: 18999,
  path: "/api/agent/ws",
  clientTracking: false,
});
let hellos = 0,
  snaps = 0;
wss.on("connection", (ws) => {
  ws.on("error", () => {});
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { type: string; seq?: number };
    if (msg.type === "hello") {
      hellos++;
      ws.send(
        JSON.stringify({
          v: 1,
          type: "welcome",
          hostId: `h${hellos}`,
          heartbeatSec: 30,
          credential: { hostId: `h${hellos}`, secret: "s".repeat(40) },
        }),
      );
    }
    if (msg.type === "snapshot") {
      snaps++;
      ws.send(JSON.stringify({ v: 1, type: "ack", seq: msg.seq }));
    }
  });
});
setInterval(() => process.stderr.write(`fake: hellos ${hellos} snapshots ${snaps}\n`), 5000);
