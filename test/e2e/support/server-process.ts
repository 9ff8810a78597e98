/**
 * The REAL server bundle (`apps/server/dist/kdumpwatch-server.mjs`) as a child process, for
 * end-to-end tests (not a test file): start it with an environment, wait for its
 * `kdumpwatch-server listening on http://HOST:PORT` line, call the API with the admin bearer, kill it
 * (SIGTERM or SIGKILL) and start it again on the same data. Every process started here is tracked, so
 * `killAllServers()` in an `afterAll` leaves nothing running even when a test failed half-way.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { testNodeFlags } from "../../node-flags.ts";
import { copyTemplateInto } from "./pglite-copy.ts";
import { killRunning, sleep, WatchedProcess } from "./watched-process.ts";

export { type Exit, sleep } from "./watched-process.ts";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const serverBundle = join(repo, "apps/server/dist/kdumpwatch-server.mjs");
/** `node` arguments that run the server bundle as the tests do (the run's Node flags, then the bundle). */
export const serverCommand = [...testNodeFlags, serverBundle];
export const agentBundle = join(repo, "apps/agent/dist/kdumpwatch-agent.cjs");
export const capturesDir = join(repo, "test/captures");
/** The PostgreSQL server for the PostgreSQL variants (CI sets it); tests make scratch databases on it. */
export const testDatabaseUrl = process.env.KDUMPWATCH_TEST_DATABASE_URL;

/** Fails with the command that builds `path` when it is missing (CI builds before testing). */
export function requireBuilt(path: string, how: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: build it first with \`${how}\``);
}

export function requireBundles(): void {
  requireBuilt(serverBundle, "pnpm --filter @kdumpwatch/server build");
  requireBuilt(agentBundle, "pnpm --filter @kdumpwatch/agent build");
}

const tempDirs = new Set<string>();

/** A new directory under the OS temp dir, removed by `removeTempDirs()`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Removes every directory made by `tempDir()` (for afterAll, once the processes using them are gone). */
export function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** A TCP port nobody listens on right now (so that a restarted server can take the same one). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === "object" ? res(addr.port) : rej(new Error("no port"))));
    });
  });
}

const LISTENING = /^kdumpwatch-server listening on (http:\/\/\S+)$/m;

export interface ServerOptions {
  /** the admin bearer (KDUMPWATCH_ADMIN_TOKEN) used by `api()` */
  adminToken: string;
  /** KDUMPWATCH_ENROLL_TOKEN, when agents enroll with the fleet token */
  enrollToken?: string;
  /**
   * Added to a minimal environment (PATH, HOST 127.0.0.1, PORT 0, the tokens): KDUMPWATCH_DATA_DIR
   * or DATABASE_URL, a fixed PORT for restarts, … Nothing is inherited from the test's own env.
   */
  env?: Record<string, string>;
  /**
   * With KDUMPWATCH_DATA_DIR (and no DATABASE_URL): false starts the server on the directory as it
   * is, so that it runs initdb and the migrations itself. By default an empty data directory gets a
   * copy of the run's migrated one first (./pglite-template.ts), which the server cannot tell from
   * its own.
   */
  pgliteTemplate?: boolean;
}

export class ServerProcess extends WatchedProcess {
  private constructor(
    child: ChildProcess,
    readonly options: ServerOptions,
  ) {
    super(child);
  }

  static start(options: ServerOptions): ServerProcess {
    const dataDir = options.env?.KDUMPWATCH_DATA_DIR;
    if (dataDir && !options.env?.DATABASE_URL && options.pgliteTemplate !== false) copyTemplateInto(dataDir);
    const child = spawn(process.execPath, serverCommand, {
      cwd: repo,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOST: "127.0.0.1",
        PORT: "0",
        KDUMPWATCH_LOG_LEVEL: "info",
        KDUMPWATCH_ADMIN_TOKEN: options.adminToken,
        ...(options.enrollToken === undefined ? {} : { KDUMPWATCH_ENROLL_TOKEN: options.enrollToken }),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ServerProcess(child, options);
  }

  /** Starts it and waits until it listens. */
  static async started(options: ServerOptions, timeoutMs?: number): Promise<ServerProcess> {
    const server = ServerProcess.start(options);
    await server.url(timeoutMs);
    return server;
  }

  /** the base URL once the "listening" line was seen (every `fetch` asks for it) */
  private listening: string | undefined;

  /** The base URL from the "listening" line; throws with the output if the process exits first. */
  async url(timeoutMs = 90_000): Promise<string> {
    if (this.listening !== undefined) return this.listening;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = LISTENING.exec(this.output);
      if (m?.[1]) {
        this.listening = m[1].replace(/\/$/, "");
        return this.listening;
      }
      if (!this.alive) throw new Error(`server exited before listening; output:\n${this.output}`);
      if (Date.now() > until)
        throw new Error(`server did not listen within ${timeoutMs} ms; output:\n${this.output}`);
      await sleep(25);
    }
  }

  /** A new process with the same options (same data, same PORT if one was fixed); waits until it listens. */
  restart(timeoutMs?: number): Promise<ServerProcess> {
    if (this.alive) throw new Error("restart(): the previous process is still running; kill it first");
    return ServerProcess.started(this.options, timeoutMs);
  }

  /** fetch() against this server with the admin bearer. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.options.adminToken}`);
    return fetch(`${await this.url()}${path}`, { ...init, headers });
  }

  /** GET `path` with the admin bearer; throws naming the path, status and body unless 200. */
  async api<T = unknown>(path: string, schema?: { parse(v: unknown): T }): Promise<T> {
    const res = await this.fetch(path);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${body}`);
    const json: unknown = JSON.parse(body);
    return schema ? schema.parse(json) : (json as T);
  }
}

/** SIGKILLs every server process started here that is still running (for afterAll). */
export function killAllServers(): Promise<void> {
  return killRunning((p) => p instanceof ServerProcess);
}
