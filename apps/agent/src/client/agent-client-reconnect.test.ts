import {
  FakeClock,
  openAndWelcome,
  seededRandom,
  settle,
  startHarness,
  untilNextSocket,
} from "@kdumpwatch/testkit/agent";
import { describe, expect, test } from "vitest";
import { DEFAULT_BACKOFF } from "./backoff.ts";

const policy = { baseMs: 1_000, capMs: 180_000, slowMs: 600_000 };

describe("AgentClient: reconnecting", () => {
  test("after a server restart (1001) the first reconnect comes within the first backoff window", async () => {
    const h = startHarness({ options: { policy } });
    const socket = await openAndWelcome(h);
    socket.serverClose(1001, "going away");
    expect(h.client.model.conn.kind).toBe("backoff");
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeLessThan(policy.baseMs);
    expect(h.logged("disconnected")[0]?.fields).toMatchObject({ code: 1001, reason: "going away" });
  });

  test("while the server stays unreachable, waits grow up to the cap and the client never gives up", async () => {
    const h = startHarness({ options: { policy }, random: () => 0.999 });
    await settle();
    const waits: number[] = [];
    h.socket().serverRefuse("ECONNREFUSED");
    for (let i = 0; i < 40; i++) {
      const { socket, waitedMs } = await untilNextSocket(h);
      waits.push(waitedMs);
      socket.serverRefuse("ECONNREFUSED");
    }
    expect(waits[0]).toBeLessThan(1_000);
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(Math.max(...waits)).toBeLessThan(policy.capMs);
    expect(waits.at(-1)).toBeGreaterThan(policy.capMs * 0.95);
    expect(h.outcome(), "a daemon does not stop on server trouble").toBeNull();
    expect(h.logged("connection failed").at(-1)?.fields).toMatchObject({
      error: "ECONNREFUSED",
      attempt: 41,
    });
  });

  test("the backoff starts over after a welcomed session", async () => {
    const h = startHarness({ options: { policy }, random: () => 0.999 });
    await settle();
    for (let i = 0; i < 6; i++) {
      h.socket().serverRefuse();
      await untilNextSocket(h);
    }
    expect(h.client.model.attempt).toBe(6);
    const socket = await openAndWelcome(h);
    expect(h.client.model.attempt).toBe(0);
    socket.serverClose(1001);
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeLessThan(policy.baseMs);
  });

  test("a retry message is honoured: the client leaves and does not come back before afterMs", async () => {
    const h = startHarness({ options: { policy } });
    const socket = await openAndWelcome(h);
    socket.serverSend({ v: 1, type: "retry", afterMs: 20_000 });
    expect(socket.closedWith?.code, "the client closes the socket itself").toBe(1000);
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeGreaterThanOrEqual(20_000);
    expect(waitedMs).toBeLessThan(20_000 + policy.baseMs * 2);
  });

  test("a retry answered to hello (admission control) is honoured with a small jitter, attempt after attempt", async () => {
    const h = startHarness({ options: { policy }, random: () => 0.999 });
    for (let i = 0; i < 6; i++) {
      await settle();
      const socket = h.socket();
      socket.serverOpen();
      socket.serverSend({ v: 1, type: "retry", afterMs: 3_000 });
      expect(socket.closedWith?.code, `deferral ${i + 1}: the client leaves`).toBe(1000);
      const { waitedMs } = await untilNextSocket(h);
      expect(waitedMs, `deferral ${i + 1}`).toBeGreaterThanOrEqual(3_000);
      // without a hint the 6th attempt's window would be 32 × base
      expect(waitedMs, `deferral ${i + 1}: not the growing backoff window`).toBeLessThan(
        3_000 + policy.baseMs,
      );
    }
    expect(
      h.logs.some((l) => l.msg.includes("handshake")),
      "no handshake timeout meanwhile",
    ).toBe(false);
  });

  test("an HTTP 503 with Retry-After on the upgrade is honoured", async () => {
    const h = startHarness({ options: { policy } });
    await settle();
    h.socket().serverRefuse("Unexpected server response: 503", { httpStatus: 503, retryAfterMs: 45_000 });
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeGreaterThanOrEqual(45_000);
    expect(waitedMs).toBeLessThan(45_000 + policy.baseMs);
  });

  test.each([
    [1013, "try again later"],
    [4429, "rate limited"],
  ])("close %i (%s) without a hint waits a wider window than a plain disconnect", async (code) => {
    const h = startHarness({ options: { policy }, random: () => 0.9 });
    const socket = await openAndWelcome(h);
    socket.serverClose(code);
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeGreaterThan(10_000);
    expect(waitedMs).toBeLessThan(policy.capMs);
  });

  test.each([
    [4400, "protocol error"],
    [1009, "frame too big"],
  ])("close %i (%s) is logged as an error and retried slowly", async (code) => {
    const h = startHarness({ options: { policy } });
    const socket = await openAndWelcome(h);
    socket.serverClose(code);
    expect(h.logged(/rejected our frames/)[0]?.level).toBe("error");
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeGreaterThanOrEqual(policy.slowMs / 2);
  });
});

describe("AgentClient: refused credentials (4401)", () => {
  test("a refused credential re-enrolls with the configured token, and the new credential is stored", async () => {
    const h = startHarness({ credential: { hostId: "old", secret: "revoked" }, options: { policy } });
    await settle();
    h.socket().serverOpen();
    h.socket().serverSend({ v: 1, type: "error", code: "unauthorized", message: "credential refused" });
    h.socket().serverClose(4401);
    expect(h.logged(/enrolling again/)).toHaveLength(1);
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeLessThan(policy.baseMs);
    await openAndWelcome(h, { hostId: "new", credential: { hostId: "new", secret: "fresh" } });
    expect(h.socket().sentOf("hello")[0]?.auth).toEqual({ kind: "enroll", token: "fleet-token" });
    expect(h.store.current()).toEqual({ hostId: "new", secret: "fresh" });
  });

  test("a refused credential without a token is logged loudly and retried about every 10 minutes, forever", async () => {
    const h = startHarness({
      credential: { hostId: "h", secret: "revoked" },
      enrollToken: undefined,
      options: { policy },
    });
    await settle();
    for (let i = 0; i < 5; i++) {
      h.socket().serverOpen();
      h.socket().serverClose(4401);
      const { socket, waitedMs } = await untilNextSocket(h);
      expect(waitedMs, `retry ${i + 1}`).toBeGreaterThanOrEqual(300_000);
      expect(waitedMs, `retry ${i + 1}`).toBeLessThan(900_000);
      expect(socket.url).toContain("/api/agent/ws");
    }
    const errors = h.logged(/no enrollment token is configured/);
    expect(errors).toHaveLength(5);
    expect(errors[0]?.level).toBe("error");
    expect(h.outcome()).toBeNull();
  });

  test("a refused enrollment token is an error naming the setting, retried slowly in daemon mode", async () => {
    const h = startHarness({ options: { policy } });
    await settle();
    h.socket().serverOpen();
    h.socket().serverClose(4401);
    expect(h.logged(/enrollment token refused/)[0]?.msg).toContain("KDUMPWATCH_ENROLL_TOKEN");
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeGreaterThanOrEqual(300_000);
  });
});

describe("AgentClient: lifecycle refusals", () => {
  test("a decommissioned host (4410) neither enrolls again nor retries fast, even with a token configured", async () => {
    const h = startHarness({ credential: { hostId: "h", secret: "revoked" }, options: { policy } });
    await settle();
    for (let i = 0; i < 3; i++) {
      h.socket().serverOpen();
      h.socket().serverSend({ v: 1, type: "error", code: "decommissioned", message: "decommissioned" });
      h.socket().serverClose(4410, "decommissioned");
      const { socket, waitedMs } = await untilNextSocket(h);
      expect(waitedMs, `retry ${i + 1}`).toBeGreaterThanOrEqual(policy.slowMs / 2);
      socket.serverOpen();
      expect(socket.sentOf("hello")[0]?.auth, "keeps presenting its credential, never enrolls").toEqual({
        kind: "credential",
        hostId: "h",
        secret: "revoked",
      });
      socket.serverClose(1006);
      await untilNextSocket(h);
    }
    const errors = h.logged(/decommissioned on the server/);
    expect(errors[0]?.level).toBe("error");
    expect(errors[0]?.msg).toContain("enroll-key");
    expect(h.outcome()).toBeNull();
  });

  test("--once gives up on a decommissioned host with its own reason", async () => {
    const h = startHarness({ credential: { hostId: "h", secret: "s" }, options: { policy, once: true } });
    await settle();
    h.socket().serverOpen();
    h.socket().serverClose(4410, "decommissioned");
    await settle();
    expect(h.outcome()).toMatchObject({ ok: false, reason: "decommissioned" });
  });

  test("a token at its host cap is an error saying so, retried slowly", async () => {
    const h = startHarness({ options: { policy } });
    await settle();
    h.socket().serverOpen();
    h.socket().serverSend({ v: 1, type: "error", code: "host_cap_reached", message: "cap" });
    h.socket().serverClose(4401);
    expect(h.logged(/maximum number of hosts/)[0]?.level).toBe("error");
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeGreaterThanOrEqual(policy.slowMs / 2);
  });

  test("the enroll key rides in every enrollment hello, never with a credential", async () => {
    const h = startHarness({ options: { policy, enrollKey: "k".repeat(64) } });
    await openAndWelcome(h, { hostId: "new", credential: { hostId: "new", secret: "fresh" } });
    expect(h.socket().sentOf("hello")[0]?.auth).toEqual({
      kind: "enroll",
      token: "fleet-token",
      key: "k".repeat(64),
    });
    h.socket().serverClose(1001);
    const { socket } = await untilNextSocket(h);
    socket.serverOpen();
    expect(socket.sentOf("hello")[0]?.auth).toEqual({ kind: "credential", hostId: "new", secret: "fresh" });
  });
});

describe("AgentClient: no reconnect storm", () => {
  test("1000 agents dropped in the same instant spread their first reconnects over the whole window", async () => {
    const clock = new FakeClock(0);
    const random = seededRandom(2026);
    const agents = Array.from({ length: 1000 }, () =>
      startHarness({ clock, random, options: { policy: DEFAULT_BACKOFF } }),
    );
    await settle();
    for (const a of agents) {
      a.socket().serverOpen();
      a.socket().serverSend({ v: 1, type: "welcome", hostId: "h", heartbeatSec: 600 });
    }
    const droppedAt = clock.now();
    for (const a of agents) a.socket().serverClose(1001, "server restart");
    clock.advance(DEFAULT_BACKOFF.baseMs);
    const times = agents.map((a) => {
      const s = a.network.sockets[1];
      expect(s, "every agent reconnected within the first window").toBeDefined();
      return s!.openedAt - droppedAt;
    });
    const window = DEFAULT_BACKOFF.baseMs;
    expect(Math.min(...times)).toBeLessThan(window * 0.02);
    expect(Math.max(...times)).toBeGreaterThan(window * 0.98);
    expect(new Set(times).size, "not all at the same millisecond").toBeGreaterThan(450);
    // 10 slices of the window: each holds about a tenth of the fleet, none a stampede
    const slices = new Array<number>(10).fill(0);
    for (const t of times) slices[Math.min(9, Math.floor((t / window) * 10))]! += 1;
    for (const [i, n] of slices.entries()) {
      expect(n, `slice ${i}: ${JSON.stringify(slices)}`).toBeGreaterThan(60);
      expect(n, `slice ${i}: ${JSON.stringify(slices)}`).toBeLessThan(140);
    }
    for (const a of agents) a.client.stop();
  });

  test("1000 agents facing a server that stays down thin out: later waves are smaller than the first", async () => {
    const clock = new FakeClock(0);
    const random = seededRandom(7);
    const agents = Array.from({ length: 1000 }, () => startHarness({ clock, random, options: { policy } }));
    await settle();
    for (const a of agents) a.socket().serverRefuse();
    const attemptsPerSecond = new Map<number, number>();
    for (let t = 0; t < 60_000; t += 100) {
      const before = agents.reduce((n, a) => n + a.network.sockets.length, 0);
      clock.advance(100);
      for (const a of agents) {
        const s = a.network.sockets.at(-1);
        if (s !== undefined && !s.ended) s.serverRefuse();
      }
      const after = agents.reduce((n, a) => n + a.network.sockets.length, 0);
      const second = Math.floor(t / 1000);
      attemptsPerSecond.set(second, (attemptsPerSecond.get(second) ?? 0) + after - before);
    }
    const first = attemptsPerSecond.get(0) ?? 0;
    const late = attemptsPerSecond.get(50) ?? 0;
    expect(first).toBeGreaterThan(600);
    expect(late, `attempts per second: ${JSON.stringify([...attemptsPerSecond])}`).toBeLessThan(first / 10);
    for (const a of agents) a.client.stop();
  });
});
