/**
 * Hostile agents over the network, against the BUILT server process (embedded PGlite in a temp dir):
 * malformed JSON, a snapshot before hello, an oversize frame, a flood — each from a socket that never
 * authenticated — while a well-behaved agent on another socket keeps sending snapshots (a few per
 * second, within its allowance) and keeps getting every ack. Nothing from the hostile sockets is
 * stored. The frame-level rules themselves are unit-tested in apps/server/src/ws/ (gateway.test.ts,
 * hostile-frames.test.ts); this is the same over real TCP, with the real `ws` limits of the bundle.
 *
 * Build first: `pnpm --filter @kdumpwatch/server build && pnpm --filter @kdumpwatch/agent build`.
 */
import {
  CLOSE_CODES,
  HostHistorySchema,
  HostListSchema,
  MAX_FRAME_BYTES,
  type ServerMessage,
  ServerMessageSchema,
  type SnapshotPayload,
} from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import { collectSnapshot, copyCapture, machineIdFor } from "./support/agents.ts";
import {
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  sleep,
  tempDir,
} from "./support/server-process.ts";

const ADMIN = "hostile-wire-e2e-admin-token";
const ENROLL = "hostile-wire-e2e-enroll-token";
/** The witness sends one snapshot per this many ms: ~3/s, inside the server's 5 frames/s per socket. */
const WITNESS_EVERY_MS = 300;

type Close = { code: number; reason: string };

/** A raw protocol v1 socket: every server message (checked against the protocol schema) and the close. */
class WireClient {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<Close>;
  /** socket errors seen by the client (a reset while it is still writing a refused frame, say) */
  readonly errors: string[] = [];
  #close: Close | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on("error", (err) => this.errors.push(err.message));
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => {
        this.#close = { code, reason: reason.toString() };
        resolve(this.#close);
      }),
    );
    ws.on("message", (data, isBinary) => {
      if (isBinary) this.errors.push("the server sent a binary frame");
      else this.messages.push(ServerMessageSchema.parse(JSON.parse(data.toString())));
    });
  }

  static async open(baseUrl: string): Promise<WireClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/agent/ws`);
    const client = new WireClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
    return client;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** The first message (from index `from` on) that matches; fails on close or after the timeout. */
  async waitFor(
    what: string,
    match: (m: ServerMessage) => boolean,
    from = 0,
    timeoutMs = 10_000,
  ): Promise<ServerMessage> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.#close)
        throw new Error(
          `closed ${JSON.stringify(this.#close)} while waiting for ${what}; got ${this.dump()}`,
        );
      if (Date.now() > until) throw new Error(`no ${what} within ${timeoutMs} ms; got ${this.dump()}`);
      await sleep(5);
    }
  }

  dump(): string {
    return JSON.stringify(this.messages);
  }

  close(): void {
    if (this.isOpen) this.ws.close(1000);
  }
}

const hello = (hostname: string, machineId: string) => ({
  v: 1,
  type: "hello",
  agentVersion: "hostile-wire-e2e",
  machineId,
  hostname,
  auth: { kind: "enroll", token: ENROLL },
});

/**
 * The well-behaved agent: enrolled, then sending a snapshot every WITNESS_EVERY_MS and waiting for
 * its ack, for as long as the test runs. Each snapshot carries one extra (unknown, so unjudged)
 * source with its sequence number, so each is new content that the server must store.
 */
class Witness {
  readonly acks: Array<{ seq: number; ms: number }> = [];
  failure: Error | null = null;
  hostId = "";
  #seq = 0;
  #stop = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(
    readonly client: WireClient,
    readonly snapshot: SnapshotPayload,
  ) {}

  async enroll(hostname: string, machineId: string): Promise<void> {
    this.client.send(hello(hostname, machineId));
    const welcome = await this.client.waitFor("welcome", (m) => m.type === "welcome");
    if (welcome.type === "welcome") this.hostId = welcome.hostId;
  }

  /** Sends one snapshot and waits for its ack. */
  async report(): Promise<void> {
    const seq = ++this.#seq;
    const from = this.client.messages.length;
    const sentAt = performance.now();
    this.client.send({
      v: 1,
      type: "snapshot",
      seq,
      hash: `witness-${seq}`,
      snapshot: {
        collectedAt: new Date().toISOString(),
        sources: { ...this.snapshot.sources, e2e_witness_seq: { ok: true, text: `${seq}\n` } },
      },
    });
    const answer = await this.client.waitFor(
      `ack of snapshot ${seq}`,
      (m) => (m.type === "ack" && m.seq === seq) || m.type === "error" || m.type === "retry",
      from,
    );
    if (answer.type !== "ack") throw new Error(`snapshot ${seq} answered ${JSON.stringify(answer)}`);
    this.acks.push({ seq, ms: performance.now() - sentAt });
  }

  start(): void {
    this.#loop = (async () => {
      while (!this.#stop) {
        const next = performance.now() + WITNESS_EVERY_MS;
        try {
          await this.report();
        } catch (err) {
          this.failure = err as Error;
          return;
        }
        await sleep(Math.max(0, next - performance.now()));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#loop;
  }

  /** Runs `during` and asserts that the witness kept getting acks meanwhile, promptly and without error. */
  async keepsAckingDuring(what: string, during: () => Promise<void>): Promise<void> {
    const before = this.acks.length;
    const started = performance.now();
    await during();
    // at least two more acks after the hostile part: the witness is still being served
    const until = Date.now() + 10_000;
    while (this.acks.length < before + 2 && this.failure === null && Date.now() < until) await sleep(20);
    expect(this.failure, `${what}: the witness got an answer other than its ack`).toBeNull();
    expect(this.client.isOpen, `${what}: the witness's socket stays open`).toBe(true);
    const served = this.acks.slice(before);
    expect(
      served.length,
      `${what}: acks to the witness during ${Math.round(performance.now() - started)} ms`,
    ).toBeGreaterThanOrEqual(2);
    const slowest = Math.max(...served.map((a) => a.ms));
    expect(slowest, `${what}: the witness's slowest ack (ms)`).toBeLessThan(5_000);
    expect(
      served.map((a) => a.seq),
      `${what}: every snapshot acked, in order`,
    ).toEqual(served.map((_, i) => (served[0]?.seq ?? 0) + i));
  }
}

/** A value of the Prometheus text at GET /metrics (0 when the series does not exist yet). */
function metric(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe("hostile agent sockets against the built server", () => {
  let server: ServerProcess;
  let base = "";
  let witness: Witness;
  let snapshot: SnapshotPayload;
  let metricsBefore = "";
  let acksBefore = 0;

  const metrics = async () => {
    const res = await server.fetch("/metrics");
    expect(res.status).toBe(200);
    return res.text();
  };
  const hostCount = async () => (await server.api("/api/hosts?limit=500", HostListSchema)).hosts.length;

  beforeAll(async () => {
    requireBundles();
    server = await ServerProcess.started({
      adminToken: ADMIN,
      enrollToken: ENROLL,
      env: { KDUMPWATCH_DATA_DIR: tempDir("kdw-hostile-data-") },
    });
    base = await server.url();
    snapshot = collectSnapshot(copyCapture("ubuntu-2404-ready", "witness", machineIdFor("hostile-wire", 0)));
    witness = new Witness(await WireClient.open(base), snapshot);
    await witness.enroll("witness", machineIdFor("hostile-wire", 0));
    await witness.report();
    expect(await hostCount(), "only the witness is enrolled").toBe(1);
    metricsBefore = await metrics();
    acksBefore = witness.acks.length;
    witness.start();
  });

  afterAll(async () => {
    await witness?.stop();
    witness?.client.close();
    await server?.kill("SIGTERM");
    await killAllServers();
    removeTempDirs();
  });

  test("malformed JSON and malformed messages get a bad_frame error each, and the socket is not trusted with anything", async () => {
    await witness.keepsAckingDuring("malformed frames", async () => {
      const hostile = await WireClient.open(base);
      const frames = [
        "{not json",
        "",
        "[1,2,3]",
        '"just a string"',
        JSON.stringify({ v: 1, type: "hello", hostname: 42 }),
        JSON.stringify({ v: 1, type: "snapshot", seq: "one", snapshot: { sources: [] } }),
        Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      ];
      for (const f of frames) hostile.send(f);
      const until = Date.now() + 10_000;
      while (hostile.messages.length < frames.length && Date.now() < until) await sleep(10);
      expect(
        hostile.messages.map((m) => (m.type === "error" ? m.code : m.type)),
        `one bad_frame per frame: ${hostile.dump()}`,
      ).toEqual(frames.map(() => "bad_frame"));
      expect(hostile.isOpen, "a malformed frame alone does not cost the connection").toBe(true);
      // still not authenticated: a snapshot now is refused like any snapshot before hello
      hostile.send({ v: 1, type: "snapshot", seq: 1, hash: "x", snapshot });
      expect((await hostile.closed).code).toBe(CLOSE_CODES.protocolError);
    });
  });

  test("a snapshot before hello gets hello_required and close 4400", async () => {
    await witness.keepsAckingDuring("snapshot before hello", async () => {
      const hostile = await WireClient.open(base);
      hostile.send({ v: 1, type: "snapshot", seq: 1, hash: "sneaky", snapshot });
      const close = await hostile.closed;
      expect(close.code, hostile.dump()).toBe(CLOSE_CODES.protocolError);
      expect(hostile.messages, "told why before the close").toEqual([
        expect.objectContaining({ type: "error", code: "hello_required" }),
      ]);
    });
  });

  test("an oversize frame (over 1 MiB) from a socket that never said hello is closed with 1009, unanswered", async () => {
    await witness.keepsAckingDuring("oversize frame", async () => {
      const hostile = await WireClient.open(base);
      const huge = {
        ...hello("oversize", machineIdFor("hostile-wire", 1)),
        agentVersion: "x".repeat(MAX_FRAME_BYTES + 1),
      };
      hostile.send(huge);
      const close = await hostile.closed;
      expect(close.code, `close ${JSON.stringify(close)}, errors ${hostile.errors.join("; ")}`).toBe(
        CLOSE_CODES.tooBig,
      );
      expect(hostile.messages, "no welcome, nothing").toEqual([]);
    });
  });

  test("a flood from one socket is answered rate_limited and closed with 4429", async () => {
    await witness.keepsAckingDuring("flood", async () => {
      const hostile = await WireClient.open(base);
      let sent = 0;
      // frames of a type the server does not know are ignored one by one; in bulk they are a flood
      while (hostile.isOpen && sent < 500) {
        hostile.send({ v: 1, type: "e2e-noise", n: sent++ });
        if (sent % 50 === 0) await sleep(1);
      }
      const close = await hostile.closed;
      expect(close.code, hostile.dump()).toBe(CLOSE_CODES.rateLimited);
      expect(hostile.messages, "told why before the close").toEqual([
        expect.objectContaining({ type: "error", code: "rate_limited" }),
      ]);
    });
  });

  test("all four at once, several times over, while the witness keeps reporting", async () => {
    await witness.keepsAckingDuring("all at once", async () => {
      const rounds = Array.from({ length: 3 }, async (_, round) => {
        const [junk, early, big, flood] = await Promise.all([
          WireClient.open(base),
          WireClient.open(base),
          WireClient.open(base),
          WireClient.open(base),
        ]);
        junk.send("{nope");
        early.send({ v: 1, type: "snapshot", seq: 1, hash: "x", snapshot });
        big.send({
          ...hello(`big-${round}`, machineIdFor("hostile-wire", 10 + round)),
          hostname: "y".repeat(MAX_FRAME_BYTES),
        });
        for (let i = 0; i < 200 && flood.isOpen; i++) flood.send({ v: 1, type: "e2e-noise" });
        await junk.waitFor("bad_frame", (m) => m.type === "error" && m.code === "bad_frame");
        junk.close();
        expect([(await early.closed).code, (await big.closed).code, (await flood.closed).code]).toEqual([
          CLOSE_CODES.protocolError,
          CLOSE_CODES.tooBig,
          CLOSE_CODES.rateLimited,
        ]);
        await junk.closed;
      });
      await Promise.all(rounds);
    });
  });

  test("nothing from the hostile sockets was stored: the witness is the only host, and every stored snapshot is one of its acks", async () => {
    await witness.stop();
    const acked = witness.acks.length; // including the one reported before the hostile sockets came
    const hosts = await server.api("/api/hosts?limit=500", HostListSchema);
    expect(
      hosts.hosts.map((h) => h.hostname),
      "GET /api/hosts: the hostile sockets enrolled nothing",
    ).toEqual(["witness"]);
    const history = await server.api(`/api/hosts/${witness.hostId}/history?limit=1000`, HostHistorySchema);
    expect(history.snapshots.length, "the witness's stored snapshots: one per acked content").toBe(acked);

    const after = await metrics();
    const stored = "kdumpwatch_ingest_snapshots_stored_total";
    expect(
      metric(after, stored) - metric(metricsBefore, stored),
      "snapshots stored while the hostile sockets talked = the witness's acks",
    ).toBe(witness.acks.length - acksBefore);
    // the server itself closed them, with the codes of the protocol
    const closes = (code: number) => {
      const series = `kdumpwatch_agent_disconnects_total{code="${code}"}`;
      return metric(after, series) - metric(metricsBefore, series);
    };
    expect(closes(CLOSE_CODES.protocolError), "closed with 4400: 2 single + 3 in the mixed rounds").toBe(5);
    expect(closes(CLOSE_CODES.rateLimited), "closed with 4429: 1 single + 3 in the mixed rounds").toBe(4);
    // counted under the code the server sent, although ws reports 1006 for such a socket's close
    expect(closes(CLOSE_CODES.tooBig), "closed with 1009: 1 single + 3 in the mixed rounds").toBe(4);
    expect(
      metric(after, 'kdumpwatch_ingest_frames_total{type="any",outcome="rate_limited"}') -
        metric(metricsBefore, 'kdumpwatch_ingest_frames_total{type="any",outcome="rate_limited"}'),
      "each flood was cut off once",
    ).toBe(4);
    expect(server.alive, "the server survived").toBe(true);
    expect((await server.fetch("/readyz")).status).toBe(200);
  });
});
