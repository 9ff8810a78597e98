/**
 * Two server processes (the built bundle) on one PostgreSQL (product.md §5): an agent connected to
 * one is seen live by a dashboard stream on the other (LISTEN/NOTIFY); exactly one of them runs the
 * periodic jobs (advisory lock), and the other takes over when it stops. The agent side is a raw
 * `ws` client speaking protocol v1. Needs the server bundle (`pnpm -r build`) and
 * KDUMPWATCH_TEST_DATABASE_URL (CI sets it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createScratchDatabase, type ScratchDatabase } from "@kdumpwatch/db";
import { HostListSchema, type LiveEvent, LiveEventSchema, ServerMessageSchema } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const serverBundle = join(repo, "apps/server/dist/kdumpwatch-server.mjs");
const pgUrl = process.env.KDUMPWATCH_TEST_DATABASE_URL;
const ADMIN = "two-servers-admin-token";
const ENROLL = "two-servers-enroll-token";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ServerProcess {
  output = "";
  readonly exit: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.exit = new Promise((r) => child.once("exit", (code) => r(code)));
  }
  static start(databaseUrl: string): ServerProcess {
    return new ServerProcess(
      spawn(process.execPath, [serverBundle], {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          PORT: "0",
          KDUMPWATCH_ADMIN_TOKEN: ADMIN,
          KDUMPWATCH_ENROLL_TOKEN: ENROLL,
          KDUMPWATCH_LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }
  async url(timeoutMs = 60_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = /^kdumpwatch-server listening on (http:\/\/\S+)$/m.exec(this.output);
      if (m?.[1]) return m[1];
      if (Date.now() > until || this.child.exitCode !== null) {
        throw new Error(`server did not start; output:\n${this.output}`);
      }
      await sleep(50);
    }
  }
  get leaderElections(): number {
    return [...this.output.matchAll(/became leader/g)].length;
  }
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
    return this.exit;
  }
}

/** Reads `GET /api/events` of one server. */
async function openEvents(baseUrl: string) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/events`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: controller.signal,
  });
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

/** A raw protocol v1 agent: enroll, send one snapshot, wait for its ack. */
async function reportOnce(baseUrl: string, hostname: string): Promise<string> {
  const ws = new WebSocket(`${baseUrl.replace("http", "ws")}/api/agent/ws`);
  ws.on("error", () => {});
  const messages: unknown[] = [];
  ws.on("message", (d) => messages.push(ServerMessageSchema.parse(JSON.parse(d.toString()))));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const waitFor = async (type: string) => {
    for (let i = 0; i < 400; i++) {
      const m = messages.find((x) => (x as { type: string }).type === type);
      if (m) return m as Record<string, unknown>;
      await sleep(25);
    }
    throw new Error(`no ${type}; got ${JSON.stringify(messages)}`);
  };
  ws.send(
    JSON.stringify({
      v: 1,
      type: "hello",
      agentVersion: "two-servers-test",
      machineId: `machine-${hostname}`,
      hostname,
      auth: { kind: "enroll", token: ENROLL },
    }),
  );
  const welcome = await waitFor("welcome");
  ws.send(
    JSON.stringify({
      v: 1,
      type: "snapshot",
      seq: 1,
      hash: "x",
      snapshot: {
        collectedAt: new Date().toISOString(),
        sources: {
          cmdline: { ok: true, text: "BOOT_IMAGE=/vmlinuz-6.8.0-45-generic root=/dev/sda1 ro quiet\n" },
          os_release: { ok: true, text: 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\nVERSION_ID="24.04"\n' },
          uname: { ok: true, text: "Linux web 6.8.0-45-generic #45-Ubuntu SMP x86_64 GNU/Linux\n" },
          kexec_crash_size: { ok: true, text: "0\n" },
        },
      },
    }),
  );
  await waitFor("ack");
  ws.close();
  return String(welcome.hostId);
}

describe.runIf(pgUrl)("two server processes on one PostgreSQL", () => {
  let db: ScratchDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let urlA: string;
  let urlB: string;

  beforeAll(async () => {
    if (!existsSync(serverBundle)) throw new Error(`${serverBundle} is missing: run \`pnpm -r build\` first`);
    db = await createScratchDatabase(pgUrl!);
    // started together: the migration advisory lock must keep them from racing
    a = ServerProcess.start(db.url);
    b = ServerProcess.start(db.url);
    [urlA, urlB] = await Promise.all([a.url(), b.url()]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  test("an agent reporting to one server is seen live on the other's event stream", async () => {
    const stream = await openEvents(urlB);
    await expect.poll(() => stream.events.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const hostId = await reportOnce(urlA, "crosses-processes");
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
    const list = HostListSchema.parse(
      await (await fetch(`${urlB}/api/hosts`, { headers: { authorization: `Bearer ${ADMIN}` } })).json(),
    );
    expect(list.hosts.map((h) => h.hostname)).toEqual(["crosses-processes"]);
  });

  test("exactly one process runs the periodic jobs, and the other takes over when it stops", async () => {
    await expect.poll(() => a.leaderElections + b.leaderElections, { timeout: 15_000 }).toBe(1);
    await sleep(6000); // a further election round: still one leader
    expect(a.leaderElections + b.leaderElections, "one leader at a time").toBe(1);
    const [leader, follower] = a.leaderElections === 1 ? [a, b] : [b, a];
    expect(await leader.stop(), "graceful exit").toBe(0);
    await expect.poll(() => follower.leaderElections, { timeout: 15_000 }).toBe(1);
  });
});
