/**
 * Test harness: one AgentClient on a fake clock and a fake network, with evidence the test can change.
 * Used by the client's tests; the simulator builds its own clients the same way with real sockets.
 */
import {
  AgentClient,
  type ClientOptions,
  type Credential,
  createMemoryCredentialStore,
  type LogFields,
  type LogLevel,
  type Outcome,
} from "@kdumpwatch/agent";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { createFakeNetwork, FakeClock, type FakeSocket, seededRandom } from "./fakes.ts";

export interface LogEntry {
  level: LogLevel;
  msg: string;
  fields: LogFields | undefined;
}

export interface HarnessOptions {
  credential?: Credential | null;
  enrollToken?: string | undefined;
  options?: Partial<ClientOptions>;
  random?: () => number;
  clock?: FakeClock;
  collect?: () => Promise<SnapshotPayload>;
}

const URL = "ws://kdumpwatch.test/api/agent/ws";

export function evidence(cmdline: string): SnapshotPayload {
  return {
    sources: {
      cmdline: { ok: true, text: cmdline },
      machine_id: { ok: true, text: "0123456789abcdef0123456789abcdef\n" },
      hostname: { ok: true, text: "web-1\n" },
      meminfo: { ok: false, error: "permission", detail: "EACCES" },
    },
    collectedAt: new Date(0).toISOString(),
  };
}

export function startHarness(opts: HarnessOptions = {}) {
  const clock = opts.clock ?? new FakeClock(1_000_000);
  const network = createFakeNetwork(clock);
  const store = createMemoryCredentialStore(opts.credential ?? null);
  const logs: LogEntry[] = [];
  let current = evidence("BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=512M");
  let collections = 0;
  const collect =
    opts.collect ??
    (async () => {
      collections++;
      return { ...current, collectedAt: new Date(clock.now()).toISOString() };
    });
  const client = new AgentClient(
    {
      collect,
      connect: network.connect,
      clock,
      log: { log: (level, msg, fields) => logs.push({ level, msg, fields }) },
      store,
      random: opts.random ?? seededRandom(42),
      fallbackHostname: "fallback-host",
    },
    {
      agentVersion: "1.2.3",
      url: URL,
      enrollToken: "enrollToken" in opts ? opts.enrollToken : "fleet-token",
      ...opts.options,
    },
  );
  let outcome: Outcome | null = null;
  const done = client.run().then((o) => {
    outcome = o;
    return o;
  });
  return {
    clock,
    network,
    store,
    logs,
    client,
    done,
    outcome: () => outcome,
    collections: () => collections,
    setEvidence(cmdline: string) {
      current = evidence(cmdline);
    },
    /** the newest socket */
    socket(): FakeSocket {
      const s = network.sockets.at(-1);
      if (s === undefined) throw new Error("the client has not connected yet");
      return s;
    },
    /** advance fake time and let the (promise-based) collection settle */
    async advance(ms: number) {
      clock.advance(ms);
      await settle();
    },
    logged(msg: string | RegExp): LogEntry[] {
      return logs.filter((l) => (typeof msg === "string" ? l.msg === msg : msg.test(l.msg)));
    },
  };
}

export type Harness = ReturnType<typeof startHarness>;

/** Lets pending promise callbacks (credential load, collection) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Open the newest socket and answer its hello with a welcome. */
export async function openAndWelcome(
  h: Harness,
  welcome: { hostId?: string; heartbeatSec?: number; credential?: Credential } = {},
): Promise<FakeSocket> {
  await settle();
  const socket = h.socket();
  socket.serverOpen();
  socket.serverSend({
    v: 1,
    type: "welcome",
    hostId: welcome.hostId ?? "host-1",
    heartbeatSec: welcome.heartbeatSec ?? 30,
    ...(welcome.credential ? { credential: welcome.credential } : {}),
  });
  await settle();
  return socket;
}

/** Fake time until the client opens its next socket (bounded, so a bug cannot hang the test). */
export async function untilNextSocket(
  h: Harness,
  maxMs = 3_600_000,
): Promise<{ socket: FakeSocket; waitedMs: number }> {
  const before = h.network.sockets.length;
  const start = h.clock.now();
  while (h.network.sockets.length === before) {
    const next = h.clock.nextTimerIn();
    if (next === null || h.clock.now() - start + next > maxMs) {
      throw new Error(`no reconnect within ${maxMs} ms (next timer: ${next})`);
    }
    await h.advance(next);
  }
  return { socket: h.socket(), waitedMs: h.clock.now() - start };
}
