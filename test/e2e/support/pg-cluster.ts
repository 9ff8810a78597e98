/**
 * A private PostgreSQL cluster for fault tests (not a test file): `initdb` and `pg_ctl` of the
 * installed PostgreSQL (found with `pg_config --bindir`), run as the `postgres` user in a temp dir
 * it owns, on a free port, trust authentication, listening on 127.0.0.1 only. The tests stop it,
 * start it, restart it and terminate its backends under load — which must never happen to the
 * shared server on 5432, so this module refuses that port outright.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./server-process.ts";

const SHARED_PORT = 5432;

/** `runuser -u postgres -- <argv>` (root), or the argv itself when already running as postgres. */
function asPostgres(argv: string[]): string[] {
  if (process.getuid?.() !== 0) return argv;
  return ["runuser", "-u", "postgres", "--", ...argv];
}

function run(argv: string[], what: string): string {
  const [cmd, ...args] = asPostgres(argv) as [string, ...string[]];
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
  }
  return r.stdout;
}

export interface PgClusterOptions {
  /** extra `-c name=value` settings for the postmaster */
  settings?: Record<string, string>;
}

/** A psql session held open by the test (see `PgCluster.psqlSession`). */
export interface PsqlSession {
  run(sqlText: string, marker: string, timeoutMs?: number): Promise<void>;
  end(sqlText: string): Promise<number | null>;
}

export class PgCluster {
  private constructor(
    readonly bindir: string,
    readonly dir: string,
    readonly port: number,
    readonly settings: Record<string, string>,
  ) {}

  /** initdb a new cluster in a temp dir owned by postgres and start it. */
  static async create(options: PgClusterOptions = {}): Promise<PgCluster> {
    const bindir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    const dir = mkdtempSync(join(tmpdir(), "kdw-pgcluster-"));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      chownSync(dir, uid, gid);
    }
    const port = await freePort();
    if (port === SHARED_PORT) throw new Error("refusing the shared PostgreSQL port 5432");
    run(
      [
        join(bindir, "initdb"),
        "-D",
        join(dir, "data"),
        "--auth=trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--no-sync",
      ],
      "initdb",
    );
    const cluster = new PgCluster(bindir, dir, port, options.settings ?? {});
    cluster.start();
    return cluster;
  }

  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database = "postgres"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  #pgCtl(args: string[], what: string): string {
    return run([join(this.bindir, "pg_ctl"), "-D", join(this.dir, "data"), ...args], what);
  }

  /** postmaster options: our port, 127.0.0.1 only, the socket in our own dir, fsync off (a test cluster) */
  #postmasterOptions(): string {
    const settings = {
      listen_addresses: "127.0.0.1",
      unix_socket_directories: this.dir,
      fsync: "off",
      ...this.settings,
    };
    return [`-p ${this.port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
  }

  start(): void {
    this.#pgCtl(
      ["-w", "-t", "60", "-l", join(this.dir, "log"), "-o", this.#postmasterOptions(), "start"],
      "pg_ctl start",
    );
  }

  /** `-m fast`: disconnects every client at once, as an operator's restart does */
  stop(mode: "fast" | "immediate" = "fast"): void {
    this.#pgCtl(["-w", "-t", "60", "-m", mode, "stop"], "pg_ctl stop");
  }

  restart(mode: "fast" | "immediate" = "fast"): void {
    this.stop(mode);
    this.start();
  }

  get running(): boolean {
    const [cmd, ...args] = asPostgres([
      join(this.bindir, "pg_ctl"),
      "-D",
      join(this.dir, "data"),
      "status",
    ]) as [string, ...string[]];
    return spawnSync(cmd, args).status === 0;
  }

  /** Runs one SQL statement with psql over the cluster's own socket dir; returns its unaligned output. */
  psql(sqlText: string, database = "postgres"): string {
    return run(
      [
        join(this.bindir, "psql"),
        "-X",
        "-A",
        "-t",
        "-h",
        this.dir,
        "-p",
        String(this.port),
        "-U",
        "postgres",
        "-d",
        database,
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sqlText,
      ],
      `psql ${sqlText.slice(0, 60)}`,
    ).trim();
  }

  /**
   * A psql session of its own, fed on stdin, for a transaction the test holds open as long as it
   * needs (e.g. a table lock) instead of a guessed `pg_sleep`: `run` sends SQL and resolves once
   * psql has printed `marker` (a `select` the caller puts last: the statements before it are done);
   * `end` sends the closing SQL, closes stdin and resolves with psql's exit status.
   */
  psqlSession(database = "postgres"): PsqlSession {
    const [cmd, ...args] = asPostgres([
      join(this.bindir, "psql"),
      "-X",
      "-q",
      "-A",
      "-t",
      "-h",
      this.dir,
      "-p",
      String(this.port),
      "-U",
      "postgres",
      "-d",
      database,
      "-v",
      "ON_ERROR_STOP=1",
    ]) as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return {
      async run(sqlText, marker, timeoutMs = 30_000) {
        child.stdin.write(`${sqlText}\n`);
        const until = Date.now() + timeoutMs;
        while (!output.includes(marker)) {
          if (child.exitCode !== null || Date.now() > until)
            throw new Error(`psql session: no "${marker}" (exit ${child.exitCode}); output:\n${output}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      end(sqlText) {
        child.stdin.end(`${sqlText}\n`);
        return exit;
      },
    };
  }

  /** pg_terminate_backend on every client backend but psql's own; returns how many were terminated. */
  terminateBackends(): number {
    const out = this.psql(
      "select count(pg_terminate_backend(pid)) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    return Number(out);
  }

  createDatabase(name: string): string {
    this.psql(`create database "${name.replace(/"/g, "")}"`);
    return this.url(name);
  }

  /** Stops the cluster (immediate) and removes its directory; safe to call twice. */
  destroy(): void {
    try {
      if (this.running) this.stop("immediate");
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
