import { openAndWelcome, settle, startHarness, untilNextSocket } from "@kdumpwatch/testkit/agent";
import { describe, expect, test } from "vitest";

const once = { once: true, onceTimeoutMs: 30_000 };

describe("AgentClient --once", () => {
  test("sends one snapshot, waits for its ack, closes the socket and reports success", async () => {
    const h = startHarness({ options: once });
    const socket = await openAndWelcome(h, { credential: { hostId: "h", secret: "s" } });
    expect(h.outcome()).toBeNull();
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    await expect(h.done).resolves.toEqual({ ok: true, reason: "acked" });
    expect(socket.closedWith?.code).toBe(1000);
    expect(h.store.current(), "the credential from the first enrollment is kept").toEqual({
      hostId: "h",
      secret: "s",
    });
    expect(h.clock.timerCount, "no timer left behind").toBe(0);
  });

  test("a refused enrollment token ends it with a clear message", async () => {
    const h = startHarness({ options: once });
    await settle();
    h.socket().serverOpen();
    h.socket().serverSend({ v: 1, type: "error", code: "unauthorized", message: "token expired" });
    h.socket().serverClose(4401);
    const outcome = await h.done;
    expect(outcome).toMatchObject({ ok: false, reason: "refused" });
    expect(outcome.ok ? "" : outcome.detail).toMatch(/enrollment token refused by the server/);
  });

  test("an unreachable server ends it at once, naming the URL and the error", async () => {
    const h = startHarness({ options: once });
    await settle();
    h.socket().serverRefuse("ECONNREFUSED");
    const outcome = await h.done;
    expect(outcome).toMatchObject({ ok: false, reason: "unreachable" });
    expect(outcome.ok ? "" : outcome.detail).toBe(
      "cannot reach ws://kdumpwatch.test/api/agent/ws: ECONNREFUSED",
    );
  });

  test("a server that never acknowledges ends it with a timeout after the deadline", async () => {
    const h = startHarness({ options: once });
    await openAndWelcome(h);
    await h.advance(29_999);
    expect(h.outcome()).toBeNull();
    await h.advance(1);
    const outcome = await h.done;
    expect(outcome).toMatchObject({ ok: false, reason: "timeout" });
    expect(outcome.ok ? "" : outcome.detail).toMatch(/did not acknowledge the snapshot within 30 s/);
  });

  test("a busy server (retry hint) is retried until the deadline, then it is a timeout", async () => {
    const h = startHarness({ options: once });
    await settle();
    h.socket().serverOpen();
    h.socket().serverSend({ v: 1, type: "retry", afterMs: 5_000 });
    const { socket, waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeGreaterThanOrEqual(5_000);
    socket.serverOpen();
    socket.serverSend({ v: 1, type: "welcome", hostId: "h", heartbeatSec: 30 });
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    await expect(h.done).resolves.toEqual({ ok: true, reason: "acked" });
  });
});

describe("AgentClient.stop", () => {
  test("closes the socket, clears every timer and resolves as stopped", async () => {
    const h = startHarness();
    const socket = await openAndWelcome(h);
    h.client.stop();
    await expect(h.done).resolves.toEqual({ ok: true, reason: "stopped" });
    expect(socket.closedWith?.code).toBe(1000);
    expect(h.clock.timerCount).toBe(0);
    h.client.collectNow();
    await settle();
    expect(h.collections(), "a stopped client collects no more").toBe(1);
  });
});
