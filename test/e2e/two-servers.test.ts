/**
 * Two server processes (the built bundle) on one PostgreSQL (product.md §5): an agent connected to
 * one is seen live by a dashboard stream on the other (LISTEN/NOTIFY); exactly one of them runs the
 * periodic jobs (advisory lock), and the other takes over when it stops. The agent side is a raw
 * `ws` client speaking protocol v1. Needs the server bundle (`pnpm -r build`) and
 * KDUMPWATCH_TEST_DATABASE_URL (CI sets it).
 */

import { HostListSchema, type LiveEvent, LiveEventSchema, type SnapshotPayload } from "@kdumpwatch/protocol";
import { createScratchDatabase, type ScratchDatabase } from "@kdumpwatch/testkit/db";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RawAgent } from "./support/raw-agent.ts";
import {
  killAllServers,
  requireBuilt,
  ServerProcess,
  serverBundle,
  sleep,
  testDatabaseUrl,
} from "./support/server-process.ts";

const ADMIN = "two-servers-admin-token";
const ENROLL = "two-servers-enroll-token";

/** A small snapshot: enough for a kernel version in the host list. */
const SNAPSHOT: SnapshotPayload = {
  collectedAt: new Date().toISOString(),
  sources: {
    cmdline: { ok: true, text: "BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=/dev/sda1 ro quiet\n" },
    os_release: { ok: true, text: 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\nVERSION_ID="24.04"\n' },
    uname: { ok: true, text: "Linux web 6.8.0-45-generic #45-Ubuntu SMP x86_64 GNU/Linux\n" },
    kexec_crash_size: { ok: true, text: "0\n" },
  },
};

const start = (databaseUrl: string) =>
  ServerProcess.start({ adminToken: ADMIN, enrollToken: ENROLL, env: { DATABASE_URL: databaseUrl } });
const leaderElections = (s: ServerProcess) => s.count(/became leader/);

/** Reads `GET /api/events` of one server. */
async function openEvents(server: ServerProcess) {
  const controller = new AbortController();
  const res = await server.fetch("/api/events", { signal: controller.signal });
  expect(res.status).toBe(200);
  const events: LiveEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let at = buffer.indexOf("\n\n"); at >= 0; at = buffer.indexOf("\n\n")) {
          const data = /^data: ?(.*)$/m.exec(buffer.slice(0, at))?.[1];
          buffer = buffer.slice(at + 2);
          if (data) events.push(LiveEventSchema.parse(JSON.parse(data)));
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe.runIf(testDatabaseUrl)("two server processes on one PostgreSQL", () => {
  let db: ScratchDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    requireBuilt(serverBundle, "pnpm --filter @kdumpwatch/server build");
    db = await createScratchDatabase(testDatabaseUrl!);
    // started together: the migration advisory lock must keep them from racing
    a = start(db.url);
    b = start(db.url);
    await Promise.all([a.url(), b.url()]);
  });

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await killAllServers();
    await db?.drop();
  });

  test("an agent reporting to one server is seen live on the other's event stream", async () => {
    const stream = await openEvents(b);
    await expect.poll(() => stream.events.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const agent = new RawAgent("crosses-processes", {
      enrollToken: ENROLL,
      agentVersion: "two-servers-test",
    });
    await agent.report(await a.url(), SNAPSHOT);
    const hostId = agent.hostId;
    await expect
      .poll(
        () =>
          stream.events.some(
            (e) => e.type === "host" && e.host.id === hostId && e.host.kernel === "6.8.0-45-generic",
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    await expect
      .poll(() => stream.events.some((e) => e.type === "summary" && e.summary.total === 1), {
        timeout: 10_000,
      })
      .toBe(true);
    await stream.close();
    const list = await b.api("/api/hosts", HostListSchema);
    expect(list.hosts.map((h) => h.hostname)).toEqual(["crosses-processes"]);
  });

  test("exactly one process runs the periodic jobs, and the other takes over when it stops", async () => {
    const leaders = () => leaderElections(a) + leaderElections(b);
    await expect.poll(leaders, { timeout: 15_000 }).toBe(1);
    await sleep(6000); // a further election round: still one leader
    expect(leaders(), "one leader at a time").toBe(1);
    const [leader, follower] = leaderElections(a) === 1 ? [a, b] : [b, a];
    expect((await leader.kill("SIGTERM")).code, "graceful exit").toBe(0);
    await expect.poll(() => leaderElections(follower), { timeout: 15_000 }).toBe(1);
  });
});
