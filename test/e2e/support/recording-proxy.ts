/**
 * A TCP proxy between a real agent and a real server that keeps every byte the agent sends (not a
 * test file). HTTP requests are kept as they are; after a WebSocket upgrade the client's frames are
 * unmasked (RFC 6455 §5.3: every client frame is XOR-masked, so the raw bytes would never show a
 * secret even when one is sent) and their payloads kept in order. The agent does not negotiate
 * permessage-deflate (apps/agent/src/client/ws-socket.ts), so the payloads are the JSON as sent.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export class RecordingProxy {
  /** per connection: the HTTP head(s) and the unmasked WebSocket payloads the client sent */
  private readonly connections: { http: Buffer[]; frames: Buffer[] }[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: { host: string; port: number }): Promise<RecordingProxy> {
    let proxy: RecordingProxy | undefined;
    const server = createServer((client) => proxy?.relay(client, target));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no port");
    proxy = new RecordingProxy(server, `http://127.0.0.1:${address.port}`);
    return proxy;
  }

  /** Everything the agents sent, as text (HTTP heads and bodies, WebSocket payloads). */
  text(): string {
    return this.connections.map((c) => Buffer.concat([...c.http, ...c.frames]).toString("utf8")).join("\n");
  }

  /** How many WebSocket payloads were decoded (a recorder that decoded nothing proves nothing). */
  frameCount(): number {
    return this.connections.reduce((n, c) => n + c.frames.length, 0);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target.port, target.host);
    this.sockets.add(client).add(upstream);
    const record = { http: [] as Buffer[], frames: [] as Buffer[] };
    this.connections.push(record);
    let pending: Buffer = Buffer.alloc(0);
    let upgraded = false;
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      if (!upgraded) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = pending.subarray(0, end + 4).toString("latin1");
        if (!/^upgrade:\s*websocket/im.test(head)) {
          record.http.push(pending); // a plain HTTP request: kept whole, body included
          pending = Buffer.alloc(0);
          return;
        }
        record.http.push(pending.subarray(0, end + 4));
        pending = pending.subarray(end + 4);
        upgraded = true;
      }
      pending = takeFrames(pending, record.frames);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  }
}

/** Decodes the complete frames at the start of `buf` into `out`; returns the incomplete rest. */
function takeFrames(buf: Buffer, out: Buffer[]): Buffer {
  let rest = buf;
  for (;;) {
    if (rest.length < 2) return rest;
    const opcode = rest[0]! & 0x0f;
    const masked = (rest[1]! & 0x80) !== 0;
    let length = rest[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (rest.length < 4) return rest;
      length = rest.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (rest.length < 10) return rest;
      length = Number(rest.readBigUInt64BE(2));
      offset = 10;
    }
    const maskAt = offset;
    if (masked) offset += 4;
    if (rest.length < offset + length) return rest;
    const payload = Buffer.from(rest.subarray(offset, offset + length));
    if (masked)
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (rest[maskAt + (i % 4)] ?? 0);
    if (opcode <= 2) out.push(payload); // continuation, text, binary; not ping/pong/close
    rest = rest.subarray(offset + length);
  }
}
