import { CLOSE_CODES } from "@kdumpwatch/protocol";
import {
  createHarness,
  type Harness,
  hello,
  listenHarness,
  snapshotFrame,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

/** the smallest queue limit the configuration accepts */
const QUEUE_BYTES = 64 * 1024;
/** a snapshot frame of about 30 kB: three of them are over the limit */
const big = (seq: number) => snapshotFrame("verdict=ready", seq, { padding: `${seq}:${"x".repeat(30_000)}` });

describe.each(testDrivers())("agent socket limits on $name", (driver) => {
  let h: Harness;
  let srv: Awaited<ReturnType<typeof listenHarness>>;
  beforeAll(async () => {
    h = await createHarness(driver, {
      env: { KDUMPWATCH_SOCKET_QUEUE_BYTES: String(QUEUE_BYTES), KDUMPWATCH_MAX_SOCKETS_PER_HOST: "2" },
      // the flood limit is not what these tests are about
      configure: (c) => Object.assign(c, { frameBurst: 1e6, framesPerSec: 1e6 }),
    });
    srv = await listenHarness(h);
  });
  afterAll(async () => {
    await srv?.close();
    await h?.dispose();
  });
  beforeEach(async () => h.reset());

  const pauses = async () => (await h.kdw.metrics.socketPauses.get()).values[0]?.value ?? 0;

  async function enrolled(name: string): Promise<{ agent: TestAgent; hostId: string; secret: string }> {
    const agent = await TestAgent.connect(srv.wsUrl);
    agent.send(hello({ machineId: name, hostname: name }));
    const welcome = await agent.next("welcome");
    return { agent, hostId: welcome.hostId, secret: welcome.credential!.secret };
  }

  test("over its queue limit a socket is not read until its frames are handled; then everything is answered", async () => {
    h.config.socketQueueGraceMs = 30_000;
    const { agent } = await enrolled("slow-db");
    const pausedBefore = await pauses();
    const release = await h.blockWrites();
    let released = false;
    try {
      for (let seq = 1; seq <= 6; seq++) agent.send(big(seq));
      await expect.poll(pauses, { timeout: 10_000 }).toBeGreaterThan(pausedBefore);
      // a malformed frame is answered at once by a server that reads: this one is not read yet
      agent.send("{not json");
      await new Promise((r) => setTimeout(r, 700));
      expect(
        agent.messages.filter((m) => m.type === "error"),
        "the paused socket was not read",
      ).toEqual([]);
      expect(agent.messages.filter((m) => m.type === "ack")).toEqual([]);
      await release();
      released = true;
    } finally {
      if (!released) await release();
    }
    for (let seq = 1; seq <= 6; seq++) await agent.next("ack", (m) => m.seq === seq);
    await agent.next("error", (m) => m.code === "bad_frame");
    expect(agent.ws.readyState, "the socket stays open").toBe(agent.ws.OPEN);
    agent.close();
  });

  test("a socket that stays over its queue limit is closed with 4413 and a reason", async () => {
    h.config.socketQueueGraceMs = 1_000;
    const { agent } = await enrolled("stuck-db");
    const release = await h.blockWrites();
    try {
      for (let seq = 1; seq <= 6; seq++) agent.send(big(seq));
      const closed = await agent.closed;
      expect(closed.code).toBe(CLOSE_CODES.queueFull);
      expect(closed.reason).toBe("socket queue over its limit");
    } finally {
      await release();
    }
  });

  test("one credential holds at most 2 sockets: the newest is refused with 4409, the others keep reporting", async () => {
    const first = await enrolled("crowded");
    const withCredential = () =>
      hello({
        machineId: "crowded",
        hostname: "crowded",
        auth: { kind: "credential", hostId: first.hostId, secret: first.secret },
      });
    const second = await TestAgent.connect(srv.wsUrl);
    second.send(withCredential());
    await second.next("welcome");

    const third = await TestAgent.connect(srv.wsUrl);
    third.send(withCredential());
    const refused = await third.next("error");
    expect(refused).toMatchObject({ code: "rate_limited" });
    expect(refused.type === "error" && refused.message).toMatch(/already has 2 open socket/);
    const closed = await third.closed;
    expect(closed.code).toBe(CLOSE_CODES.tooManySockets);
    expect(
      third.messages.some((m) => m.type === "welcome"),
      "the refused socket was never welcomed",
    ).toBe(false);

    first.agent.send(snapshotFrame("verdict=ready", 5));
    await first.agent.next("ack", (m) => m.seq === 5);

    // a closed socket gives its place back
    second.close();
    await second.closed;
    await expect
      .poll(async () => {
        const next = await TestAgent.connect(srv.wsUrl);
        next.send(withCredential());
        const m = await Promise.race([next.next("welcome").catch(() => null), next.closed.then(() => null)]);
        next.close();
        return m?.type ?? "refused";
      })
      .toBe("welcome");
    first.agent.close();
  });
});
