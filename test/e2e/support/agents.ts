/**
 * The REAL agent bundle for end-to-end tests (not a test file): capture copies that are distinct
 * hosts, and `run --once` processes whose exit status and output are kept. Every process started
 * here is tracked, so `killAllAgents()` in an `afterAll` leaves nothing running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { agentBundle, capturesDir, type Exit, tempDir } from "./server-process.ts";

/** What a capture's expected.json signs (test/captures/SOURCES.md says who and from what). */
export interface Expected {
  verdict: "ready" | "at_risk" | "not_ready" | "unknown";
  facts: Record<string, unknown>;
  /** ids whose status must be fail or warn; every other fail/warn is a mismatch */
  failing: string[];
  /** ids whose fail/warn is not asserted, each with the reason */
  unasserted?: Record<string, string>;
}

export function readExpected(capture: string): Expected {
  return JSON.parse(readFileSync(join(capturesDir, capture, "expected.json"), "utf8")) as Expected;
}

/**
 * A temp copy of test/captures/<capture> with its own /etc/hostname and /etc/machine-id, so that
 * it is one distinct host for the server; the judged evidence is untouched.
 */
export function copyCapture(capture: string, hostname: string, machineId: string): string {
  const root = tempDir(`kdw-cap-${hostname}-`);
  cpSync(join(capturesDir, capture), root, { recursive: true });
  writeFileSync(join(root, "etc/machine-id"), `${machineId}\n`);
  writeFileSync(join(root, "etc/hostname"), `${hostname}\n`);
  return root;
}

/** 32 hex digits, like /etc/machine-id, distinct per (prefix, n). */
export function machineIdFor(prefix: string, n: number): string {
  return createHash("sha256").update(`${prefix}:${n}`).digest("hex").slice(0, 32);
}

const running = new Set<AgentProcess>();

export interface OnceOptions {
  server: string;
  root: string;
  stateDir: string;
  enrollToken?: string;
  /** `--timeout` seconds of `run --once` */
  timeoutSec?: number;
}

/** One `kdumpwatch-agent run --once` process. */
export class AgentProcess {
  output = "";
  readonly exit: Promise<Exit>;
  #exited = false;

  constructor(readonly child: ChildProcess) {
    running.add(this);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.exit = new Promise((r) =>
      child.once("exit", (code, signal) => {
        this.#exited = true;
        running.delete(this);
        r({ code, signal });
      }),
    );
  }

  static once(o: OnceOptions): AgentProcess {
    const args = [agentBundle, "run", "--server", o.server, "--state-dir", o.stateDir, "--root", o.root];
    if (o.enrollToken !== undefined) args.push("--enroll-token", o.enrollToken);
    args.push("--once", "--timeout", String(o.timeoutSec ?? 30));
    return new AgentProcess(
      spawn(process.execPath, args, {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", KDUMPWATCH_LOG_LEVEL: "info" },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }

  get exited(): boolean {
    return this.#exited;
  }
}

/** SIGKILLs every agent process started here that is still running (for afterAll). */
export async function killAllAgents(): Promise<void> {
  await Promise.all(
    [...running].map(async (a) => {
      a.child.kill("SIGKILL");
      await a.exit;
    }),
  );
}
