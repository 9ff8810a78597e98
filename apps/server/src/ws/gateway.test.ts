import { CLOSE_CODES, MAX_FRAME_BYTES } from "@kdumpwatch/protocol";
import {
  createHarness,
  FLEET_TOKEN,
  type Harness,
  hello,
  listenHarness,
  snapshotFrame,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import WebSocket from "ws";

describe.each(testDrivers())("agent WebSocket on $name", (driver) => {
  let h: Harness;
  let srv: Awaited<ReturnType<typeof listenHarness>>;
  beforeAll(async () => {
    h = await createHarness(driver, {
      env: { KDUMPWATCH_MAX_CONNECTIONS_PER_ADDRESS: "6" },
      configure: (c) => {
        c.helloTimeoutSec = 1;
      },
    });
    srv = await listenHarness(h);
  });
  afterAll(async () => {
    await srv?.close();
    await h?.dispose();
  });
  beforeEach(async () => h.reset());

  const count = () => h.counts();

  /** An enrolled agent that has sent hello and got its welcome. */
  async function enrolled(name: string): Promise<TestAgent> {
    const a = await TestAgent.connect(srv.wsUrl);
    a.send(hello({ machineId: name, hostname: name }));
    await a.next("welcome");
    return a;
  }

  test("hello → welcome with a credential; snapshot → ack after it is stored; the credential reconnects", async () => {
    const a = await TestAgent.connect(srv.wsUrl);
    a.send(hello());
    const welcome = await a.next("welcome");
    expect(welcome.credential?.hostId).toBe(welcome.hostId);
    expect(welcome.heartbeatSec).toBe(h.config.heartbeatSec);
    a.send(snapshotFrame("verdict=ready", 7));
    await a.next("ack", (m) => m.seq === 7);
    expect((await count()).snapshots, "stored before the ack").toBe(1);
    a.send({ v: 1, type: "heartbeat" });
    a.close();

    const b = await TestAgent.connect(srv.wsUrl);
    b.send(
      hello({ auth: { kind: "credential", hostId: welcome.hostId, secret: welcome.credential!.secret } }),
    );
    const again = await b.next("welcome");
    expect(again.hostId).toBe(welcome.hostId);
    expect(again.credential, "no new credential on reconnect").toBeUndefined();
    b.close();
  });

  test("malformed JSON, wrong types, binary and unknown types are answered or ignored; the socket stays usable", async () => {
    const a = await enrolled("hostile");
    const before = await count();
    a.send("{not json");
    a.send("[1,2,3]");
    a.send({ v: 1, type: "snapshot", seq: "one", hash: 5, snapshot: {} });
    a.send({ v: 1, type: "hello", agentVersion: 1 });
    a.send(Buffer.from([0, 1, 2, 3]));
    a.send({ v: 1, type: "telemetry-from-the-future", data: { x: 1 } });
    a.send({ type: "snapshot" });
    await expect.poll(() => a.messages.filter((m) => m.type === "error").length).toBe(6);
    expect(a.messages.filter((m) => m.type === "error").map((m) => m.type === "error" && m.code)).toEqual(
      Array(6).fill("bad_frame"),
    );
    a.send(snapshotFrame("verdict=ready", 99));
    await a.next("ack", (m) => m.seq === 99);
    const after = await count();
    expect(after.snapshots - before.snapshots, "only the valid snapshot was stored").toBe(1);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
    a.close();
  });

  test("a snapshot before hello gets an error and close 4400, and nothing is stored", async () => {
    const a = await TestAgent.connect(srv.wsUrl);
    a.send(snapshotFrame("verdict=ready"));
    const closed = await a.closed;
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
    expect(a.messages).toMatchObject([{ type: "error", code: "hello_required" }]);
    expect(await count()).toEqual({ hosts: 0, snapshots: 0 });
  });

  test("another protocol version is refused with 4400", async () => {
    const a = await TestAgent.connect(srv.wsUrl);
    a.send({ ...hello(), v: 2 });
    expect((await a.closed).code).toBe(CLOSE_CODES.protocolError);
    expect(a.messages[0]).toMatchObject({ type: "error", code: "unsupported_version" });
  });

  test("a wrong enrollment token is refused with 4401 and stores nothing", async () => {
    const a = await TestAgent.connect(srv.wsUrl);
    a.send(hello({ auth: { kind: "enroll", token: `${FLEET_TOKEN}-nope` } }));
    expect((await a.closed).code).toBe(CLOSE_CODES.unauthorized);
    expect(a.messages[0]).toMatchObject({ type: "error", code: "unauthorized" });
    expect(await count()).toEqual({ hosts: 0, snapshots: 0 });
  });

  test("no hello within the timeout closes with 4400", async () => {
    const a = await TestAgent.connect(srv.wsUrl);
    expect((await a.closed).code).toBe(CLOSE_CODES.protocolError);
  });

  test("an oversize frame closes that socket with 1009; another agent is still served", async () => {
    const a = await enrolled("big");
    const b = await enrolled("small");
    a.send(snapshotFrame("x".repeat(MAX_FRAME_BYTES + 10)));
    expect((await a.closed).code).toBe(CLOSE_CODES.tooBig);
    b.send(snapshotFrame("verdict=ready", 3));
    await b.next("ack", (m) => m.seq === 3);
    expect((await count()).snapshots, "only the small agent's snapshot").toBe(1);
    b.close();
  });

  test("a flood from one socket is closed with 4429 and does not starve another", async () => {
    const flooder = await enrolled("flooder");
    const quiet = await enrolled("quiet");
    for (let i = 0; i < 500; i++) flooder.send({ v: 1, type: "heartbeat" });
    const started = Date.now();
    quiet.send(snapshotFrame("verdict=ready", 1));
    await quiet.next("ack");
    const ackMs = Date.now() - started;
    expect((await flooder.closed).code).toBe(CLOSE_CODES.rateLimited);
    expect(flooder.messages.some((m) => m.type === "error" && m.code === "rate_limited")).toBe(true);
    expect(ackMs, "the quiet agent's ack is not held up by the flood").toBeLessThan(5000);
    quiet.close();
  });

  test("upgrades on any other path get 404, and one address cannot open more than its limit", async () => {
    await expect(TestAgent.connect(srv.wsUrl.replace("/api/agent/ws", "/api/agent/wss"))).rejects.toThrow(
      "404",
    );
    await expect(TestAgent.connect(srv.wsUrl.replace("/api/agent/ws", "/"))).rejects.toThrow("404");
    const open: TestAgent[] = [];
    for (let i = 0; i < 6; i++) open.push(await TestAgent.connect(srv.wsUrl));
    await expect(TestAgent.connect(srv.wsUrl), "the 7th from one address").rejects.toThrow("429");
    open[0]!.close();
    await open[0]!.closed;
    // a slot frees up once a socket has closed
    await expect
      .poll(async () => {
        try {
          const again = await TestAgent.connect(srv.wsUrl);
          open.push(again);
          return true;
        } catch {
          return false;
        }
      })
      .toBe(true);
    for (const a of open) a.close();
    await Promise.all(open.map((a) => a.closed));
  });
});
