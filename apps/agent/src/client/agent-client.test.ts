import { evidence, openAndWelcome, settle, startHarness, untilNextSocket } from "@kdumpwatch/testkit/agent";
import { describe, expect, test } from "vitest";
import { hashSources } from "./hash.ts";

describe("AgentClient: enrollment and reporting", () => {
  test("enrolls with the token, stores the credential from welcome, then sends the first snapshot", async () => {
    const h = startHarness();
    await settle();
    expect(h.network.sockets, "connects once the first snapshot is collected").toHaveLength(1);
    const socket = h.socket();
    expect(socket.url).toBe("ws://kdumpwatch.test/api/agent/ws");
    socket.serverOpen();
    const [hello] = socket.sentOf("hello");
    expect(hello).toMatchObject({
      agentVersion: "1.2.3",
      machineId: "0123456789abcdef0123456789abcdef",
      hostname: "web-1",
      auth: { kind: "enroll", token: "fleet-token" },
    });
    expect(socket.sentOf("snapshot"), "no snapshot before welcome").toHaveLength(0);
    socket.serverSend({
      v: 1,
      type: "welcome",
      hostId: "h-9",
      heartbeatSec: 30,
      credential: { hostId: "h-9", secret: "s3cret" },
    });
    await settle();
    expect(h.store.current()).toEqual({ hostId: "h-9", secret: "s3cret" });
    const [snapshot] = socket.sentOf("snapshot");
    expect(snapshot?.seq).toBe(1);
    expect(snapshot?.hash).toBe(
      hashSources(evidence("BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=512M").sources),
    );
    expect(h.logged("enrolled")).toHaveLength(1);
  });

  test("sends its configured labels in every hello, and none when it has no labels setting", async () => {
    const labelled = startHarness({ options: { labels: { team: "storage", site: "par1" } } });
    await settle();
    labelled.socket().serverOpen();
    expect(labelled.socket().sentOf("hello")[0]?.labels).toEqual({ team: "storage", site: "par1" });
    const plain = startHarness();
    await settle();
    plain.socket().serverOpen();
    expect(
      plain.socket().sentOf("hello")[0],
      "an agent without the setting leaves the server's copy",
    ).not.toHaveProperty("labels");
  });

  test("presents the stored credential instead of the token when it has one", async () => {
    const h = startHarness({ credential: { hostId: "h-1", secret: "old" } });
    await settle();
    h.socket().serverOpen();
    expect(h.socket().sentOf("hello")[0]?.auth).toEqual({ kind: "credential", hostId: "h-1", secret: "old" });
  });

  test("takes machineId and hostname from the snapshot, falling back to the host name given", async () => {
    const h = startHarness({
      collect: async () => ({ sources: { cmdline: { ok: true, text: "x" } }, collectedAt: "now" }),
    });
    await settle();
    h.socket().serverOpen();
    expect(h.socket().sentOf("hello")[0]).toMatchObject({
      machineId: "fallback-host",
      hostname: "fallback-host",
    });
  });

  test("sends a new snapshot only when the evidence changed, at the collection interval", async () => {
    const h = startHarness({ options: { collectIntervalMs: 60_000 } });
    const socket = await openAndWelcome(h);
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    await h.advance(60_000);
    expect(h.collections()).toBe(2);
    expect(socket.sentOf("snapshot"), "unchanged evidence is not sent again").toHaveLength(1);
    h.setEvidence("BOOT_IMAGE=/vmlinuz root=/dev/sda1");
    await h.advance(59_999);
    expect(socket.sentOf("snapshot")).toHaveLength(1);
    await h.advance(1);
    const sent = socket.sentOf("snapshot");
    expect(sent.map((s) => s.seq)).toEqual([1, 2]);
    expect(sent[1]?.snapshot.sources.cmdline).toEqual({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz root=/dev/sda1",
    });
    expect(h.logged("evidence changed")).toHaveLength(1);
  });

  test("collectNow (SIGHUP) collects at once and reports a change without waiting for the interval", async () => {
    const h = startHarness();
    const socket = await openAndWelcome(h);
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    h.setEvidence("changed");
    await h.advance(5_000);
    expect(socket.sentOf("snapshot")).toHaveLength(1);
    h.client.collectNow();
    await settle();
    expect(h.collections()).toBe(2);
    expect(socket.sentOf("snapshot").map((s) => s.seq)).toEqual([1, 2]);
  });

  test("heartbeats follow the interval the server gave in welcome, and none before welcome", async () => {
    const h = startHarness();
    await settle();
    h.socket().serverOpen();
    await h.advance(15_000);
    expect(h.socket().sentOf("heartbeat")).toHaveLength(0);
    const socket = h.socket();
    socket.serverSend({ v: 1, type: "welcome", hostId: "h", heartbeatSec: 10 });
    await h.advance(9_999);
    expect(socket.sentOf("heartbeat")).toHaveLength(0);
    await h.advance(1);
    expect(socket.sentOf("heartbeat")).toHaveLength(1);
    await h.advance(20_000);
    expect(socket.sentOf("heartbeat")).toHaveLength(3);
  });

  test("a collection failure is logged and retried at the next interval; the daemon keeps running", async () => {
    let calls = 0;
    const h = startHarness({
      collect: async () => {
        calls++;
        if (calls === 1) throw new Error("EIO reading /proc");
        return evidence("ok");
      },
    });
    await settle();
    expect(h.logged("collection failed")[0]?.fields).toMatchObject({ error: "EIO reading /proc" });
    expect(h.network.sockets).toHaveLength(0);
    await h.advance(60_000);
    expect(h.network.sockets).toHaveLength(1);
    expect(h.outcome()).toBeNull();
  });
});

describe("AgentClient: at-least-once delivery", () => {
  test("resends the unacknowledged snapshot after a reconnect, until it is acked", async () => {
    const h = startHarness();
    const first = await openAndWelcome(h);
    expect(first.sentOf("snapshot").map((s) => s.seq)).toEqual([1]);
    first.serverClose(1001, "server restarting");
    const { socket: second } = await untilNextSocket(h);
    await openAndWelcome(h);
    expect(
      second.sentOf("snapshot").map((s) => s.seq),
      "same snapshot again",
    ).toEqual([1]);
    expect(second.sentOf("snapshot")[0]?.hash).toBe(first.sentOf("snapshot")[0]?.hash);
    second.serverSend({ v: 1, type: "ack", seq: 1 });
    second.serverClose(1001);
    const { socket: third } = await untilNextSocket(h);
    await openAndWelcome(h);
    expect(third.sentOf("snapshot"), "acked: not sent again").toHaveLength(0);
  });

  test("a newer snapshot supersedes an unacknowledged one, and the late ack of the old one is ignored", async () => {
    const h = startHarness();
    const socket = await openAndWelcome(h);
    h.setEvidence("newer");
    h.client.collectNow();
    await settle();
    expect(socket.sentOf("snapshot").map((s) => s.seq)).toEqual([1, 2]);
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    expect(h.client.model.pending?.seq, "seq 2 still awaits its ack").toBe(2);
    socket.serverSend({ v: 1, type: "ack", seq: 2 });
    expect(h.client.model.pending).toBeNull();
  });

  test("'snapshot not stored' (error internal) makes the client send it again on the same socket, a little later", async () => {
    const h = startHarness();
    const socket = await openAndWelcome(h);
    socket.serverSend({
      v: 1,
      type: "error",
      code: "internal",
      message: "snapshot not stored, send it again",
    });
    await h.advance(999);
    expect(socket.sentOf("snapshot"), "not at once").toHaveLength(1);
    await h.advance(5_001);
    expect(socket.sentOf("snapshot").map((s) => s.seq)).toEqual([1, 1]);
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    await h.advance(10_000);
    expect(socket.sentOf("snapshot")).toHaveLength(2);
    expect(socket.ended).toBe(false);
  });

  test("a snapshot not acknowledged in time makes the client reconnect and resend it", async () => {
    const h = startHarness({ options: { ackTimeoutMs: 45_000, pingIntervalMs: 1_000_000 } });
    const socket = await openAndWelcome(h, { heartbeatSec: 1_000 });
    await h.advance(45_000);
    expect(socket.terminated).toBe(true);
    await untilNextSocket(h);
    const again = await openAndWelcome(h);
    expect(again.sentOf("snapshot").map((s) => s.seq)).toEqual([1]);
  });
});

describe("AgentClient: liveness", () => {
  test("pings at the interval and terminates the socket when a pong is missed", async () => {
    const h = startHarness({ options: { pingIntervalMs: 30_000 } });
    const socket = await openAndWelcome(h, { heartbeatSec: 1_000 });
    socket.autoPong = false;
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    await h.advance(30_000);
    expect(socket.pings).toBe(1);
    socket.serverPong();
    await h.advance(30_000);
    expect(socket.pings).toBe(2);
    expect(socket.terminated, "answered ping keeps the socket").toBe(false);
    await h.advance(30_000);
    expect(socket.terminated, "a missed pong terminates it").toBe(true);
    expect(h.logged(/no pong/)).toHaveLength(1);
    const { waitedMs } = await untilNextSocket(h);
    expect(waitedMs).toBeLessThan(2_000);
  });

  test("a socket that opens but never gets a welcome is dropped after the handshake timeout", async () => {
    const h = startHarness({ options: { handshakeTimeoutMs: 20_000 } });
    await settle();
    h.socket().serverOpen();
    await h.advance(19_999);
    expect(h.socket().terminated).toBe(false);
    await h.advance(1);
    expect(h.socket().terminated).toBe(true);
  });

  test("a frame of an unknown type is logged and ignored; the session goes on", async () => {
    const h = startHarness();
    const socket = await openAndWelcome(h);
    socket.serverSend({ v: 1, type: "announcement", text: "hello from v2" });
    socket.serverSendRaw("not json");
    expect(h.logged("ignoring a server frame of unknown type")).toHaveLength(1);
    expect(h.logged("ignoring a server frame that is not JSON")).toHaveLength(1);
    socket.serverSend({ v: 1, type: "ack", seq: 1 });
    expect(h.client.model.pending).toBeNull();
    expect(socket.ended).toBe(false);
  });
});
