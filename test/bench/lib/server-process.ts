/**
 * The real built server (`apps/server/dist/kdumpwatch-server.mjs`) as a benchmark subject: started
 * with a given database, watched for its "listening" line, sampled for CPU and memory, stopped
 * gracefully or killed with SIGKILL (the reconnect storm).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, type WriteStream } from "node:fs";
import { resolve } from "node:path";
import { UsageSampler } from "./process-stats.ts";

export const REPO = resolve(import.meta.dirname, "../../..");
const SERVER_BUNDLE = resolve(REPO, "apps/server/dist/kdumpwatch-server.mjs");
export const BENCH_ENROLL_TOKEN = "kdw-bench-sim-enroll-token";
export const BENCH_ADMIN_TOKEN = "kdw-bench-sim-admin-token";

export interface ServerOptions {
  port: number;
  /** a PostgreSQL URL, or unset for PGlite in `dataDir` */
  databaseUrl?: string;
  dataDir?: string;
  logFile: string;
  env?: Record<string, string>;
}

/** `ulimit -n` as high as this machine allows (10,000 agent sockets need more than 1,024). */
export const RAISE_NOFILE = "ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn)";

export class BenchServer {
  readonly url: string;
  readonly pid: number;
  readonly sampler: UsageSampler;
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;
  readonly #log: WriteStream;

  private constructor(child: ChildProcess, url: string, log: WriteStream) {
    this.#child = child;
    this.url = url;
    this.pid = child.pid ?? 0;
    this.#log = log;
    this.sampler = new UsageSampler(this.pid);
    this.exited = new Promise((r) => {
      if (child.exitCode !== null) r(child.exitCode);
      else child.once("exit", (code) => r(code));
    });
  }

  static async start(options: ServerOptions, timeoutMs = 240_000): Promise<BenchServer> {
    if (!existsSync(SERVER_BUNDLE)) {
      throw new Error(`${SERVER_BUNDLE} is missing: pnpm --filter @kdumpwatch/server build`);
    }
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const env: Record<string, string | undefined> = {
      ...inherited,
      HOST: "127.0.0.1",
      PORT: String(options.port),
      KDUMPWATCH_ENROLL_TOKEN: BENCH_ENROLL_TOKEN,
      KDUMPWATCH_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      // the benches measure how fast enrollment can go, not the per-token limit (600 a minute by
      // default, which alone spreads a 10,000-agent storm over 17 minutes: docs/operations.md)
      KDUMPWATCH_ENROLL_RATE: "0",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...(options.dataDir ? { KDUMPWATCH_DATA_DIR: options.dataDir } : {}),
      ...options.env,
    };
    const log = createWriteStream(options.logFile, { flags: "a" });
    // KDW_BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile there when it exits (SIGTERM)
    const profileDir = process.env.KDW_BENCH_CPU_PROF;
    const nodeFlags = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
    const child = spawn(
      "bash",
      ["-c", `${RAISE_NOFILE}; exec "$0" "$@"`, process.execPath, ...nodeFlags, SERVER_BUNDLE],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const url = await new Promise<string>((resolveUrl, reject) => {
      let seen = "";
      const timer = setTimeout(
        () => reject(new Error(`server not listening after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-4096);
        const m = /kdumpwatch-server listening on (\S+)/.exec(seen);
        if (m?.[1]) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          resolveUrl(m[1]);
        }
      };
      child.stdout?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before listening; see ${options.logFile}:\n${seen}`));
      });
    });
    return new BenchServer(child, url, log);
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGTERM");
      const late = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
      await this.exited;
      clearTimeout(late);
    }
    this.sampler.stop();
    this.#log.end();
  }

  async get(path: string): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, {
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }
}
