/**
 * Support for the alerting end-to-end test and the alert latency benchmark (not a test file):
 * the REAL server bundle as a child process, real HTTP receivers on 127.0.0.1, raw protocol v1
 * agents (for scale) and the real agent bundle (for realism), snapshots collected from the repo's
 * capture directories.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ServerMessageSchema, type SnapshotPayload } from "@kdumpwatch/protocol";
import WebSocket from "ws";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const serverBundle = join(repo, "apps/server/dist/kdumpwatch-server.mjs");
export const agentBundle = join(repo, "apps/agent/dist/kdumpwatch-agent.mjs");
export const captures = join(repo, "test/captures");
export const ADMIN = "alerting-e2e-admin-token";
export const ENROLL = "alerting-e2e-enroll-token";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ServerProcess {
  output = "";
  readonly exit: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.exit = new Promise((r) => child.once("exit", (code) => r(code)));
  }

  /** `env` adds to (and overrides) a quiet default environment: PORT 0, fixed tokens. */
  static start(env: Record<string, string>): ServerProcess {
    return new ServerProcess(
      spawn(process.execPath, [serverBundle], {
        env: {
          PATH: process.env.PATH ?? "",
          PORT: "0",
          KDUMPWATCH_ADMIN_TOKEN: ADMIN,
          KDUMPWATCH_ENROLL_TOKEN: ENROLL,
          KDUMPWATCH_LOG_LEVEL: "info",
          ...env,
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
      await sleep(25);
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.alive) this.child.kill(signal);
    await this.exit;
  }

  async api(path: string): Promise<unknown> {
    const res = await fetch(`${await this.url()}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }
}

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answer: number | "hang";
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** JSON bodies of the requests it accepted (2xx) */
  accepted(): unknown[];
  close(): Promise<void>;
}

/** A webhook receiver; `answers` per request in order, the last one repeating; "hang" never answers. */
export async function startReceiver(answers: Array<number | "hang"> = [200]): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = answers[Math.min(requests.length, answers.length - 1)] ?? 200;
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ at: Date.now(), path: req.url ?? "", headers: req.headers, body, answer });
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () =>
      requests.filter((r) => typeof r.answer === "number" && r.answer < 300).map((r) => JSON.parse(r.body)),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The snapshot the real agent collects from a capture directory (`collect --root`). */
export function collectSnapshot(capture: string): SnapshotPayload {
  const out = execFileSync(process.execPath, [agentBundle, "collect", "--root", join(captures, capture)], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out) as SnapshotPayload;
}

/** A raw protocol v1 agent (the wire format of packages/protocol wire.ts): enroll, report, reconnect. */
export class RawAgent {
  hostId = "";
  credential: { hostId: string; secret: string } | null = null;
  #seq = 0;
  constructor(
    readonly hostname: string,
    readonly machineId = `machine-${hostname}`,
  ) {}

  /** Connects, says hello (enrolling the first time), sends one snapshot, waits for the ack. */
  async report(baseUrl: string, snapshot: SnapshotPayload): Promise<{ sentAt: number }> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/agent/ws`);
    ws.on("error", () => {});
    const messages: Array<{ type: string } & Record<string, unknown>> = [];
    ws.on("message", (d) => messages.push(ServerMessageSchema.parse(JSON.parse(d.toString()))));
    await new Promise<void>((res, rej) => {
      ws.once("open", () => res());
      ws.once("error", rej);
    });
    const waitFor = async (type: string) => {
      for (let i = 0; i < 1200; i++) {
        const m = messages.find((x) => x.type === type);
        if (m) return m;
        const err = messages.find((x) => x.type === "error" || x.type === "retry");
        if (err) throw new Error(`${this.hostname}: ${JSON.stringify(err)}`);
        await sleep(25);
      }
      throw new Error(`${this.hostname}: no ${type}; got ${JSON.stringify(messages)}`);
    };
    try {
      const auth = this.credential
        ? { kind: "credential", hostId: this.credential.hostId, secret: this.credential.secret }
        : { kind: "enroll", token: ENROLL };
      ws.send(
        JSON.stringify({
          v: 1,
          type: "hello",
          agentVersion: "alerting-e2e",
          machineId: this.machineId,
          hostname: this.hostname,
          auth,
        }),
      );
      const welcome = await waitFor("welcome");
      this.hostId = String(welcome.hostId);
      if (welcome.credential) this.credential = welcome.credential as { hostId: string; secret: string };
      const seq = ++this.#seq;
      const sentAt = Date.now();
      ws.send(
        JSON.stringify({
          v: 1,
          type: "snapshot",
          seq,
          hash: `alerting-e2e-${seq}`,
          snapshot: { ...snapshot, collectedAt: new Date().toISOString() },
        }),
      );
      await waitFor("ack");
      return { sentAt };
    } finally {
      ws.close();
    }
  }
}

/** Runs `promises` with at most `limit` at once. */
export async function inBatches<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  });
  await Promise.all(workers);
}

/** Polls until `check` returns a value (not undefined/false), or throws with `what` after the timeout. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs: number,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
