/**
 * The REAL agent bundle for end-to-end tests (not a test file): capture copies that are distinct
 * hosts, `run` processes (`--once` or daemons) whose exit status and output are kept, and one-shot
 * commands (`check`, `collect`) run to completion. Every `run` process is tracked, so
 * `killAllAgents()` in an `afterAll` leaves nothing running.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { agentBundle, capturesDir, requireBuilt, tempDir } from "./server-process.ts";
import { killRunning, WatchedProcess } from "./watched-process.ts";

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
  // a support bundle (supportconfig) keeps its files flat: it has no etc/ of its own
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc/machine-id"), `${machineId}\n`);
  writeFileSync(join(root, "etc/hostname"), `${hostname}\n`);
  return root;
}

/** 32 hex digits, like /etc/machine-id, distinct per (prefix, n). */
export function machineIdFor(prefix: string, n: number): string {
  return createHash("sha256").update(`${prefix}:${n}`).digest("hex").slice(0, 32);
}

export interface OnceOptions {
  server: string;
  root: string;
  stateDir: string;
  enrollToken?: string;
  /** `--timeout` seconds of `run --once` (the agent's own default when unset) */
  timeoutSec?: number;
  /** added to the agent's environment */
  env?: Record<string, string>;
}

/** One `kdumpwatch-agent run …` process. */
export class AgentProcess extends WatchedProcess {
  /**
   * `kdumpwatch-agent run <args>`; `env` is added to a minimal environment (PATH, log level info).
   * Nothing is inherited from the test's own env.
   */
  static run(args: readonly string[], env: Record<string, string> = {}): AgentProcess {
    return new AgentProcess(
      spawn(process.execPath, [agentBundle, "run", ...args], {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", KDUMPWATCH_LOG_LEVEL: "info", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }

  static once(o: OnceOptions): AgentProcess {
    const args = ["--server", o.server, "--state-dir", o.stateDir, "--root", o.root];
    if (o.enrollToken !== undefined) args.push("--enroll-token", o.enrollToken);
    args.push("--once");
    if (o.timeoutSec !== undefined) args.push("--timeout", String(o.timeoutSec));
    return AgentProcess.run(args, o.env);
  }
}

/** SIGKILLs every agent process started here that is still running (for afterAll). */
export function killAllAgents(): Promise<void> {
  return killRunning((p) => p instanceof AgentProcess);
}

export interface AgentRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the agent bundle (or a copy of it) to completion with plain `node`, as an operator would. */
export function runAgent(args: string[], options: { bundle?: string; cwd?: string } = {}): AgentRun {
  const bundle = options.bundle ?? agentBundle;
  requireBuilt(bundle, "pnpm --filter @kdumpwatch/agent build");
  const result = spawnSync(process.execPath, [bundle, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What the real agent collects from a capture directory (`collect --root`). */
export function collectSnapshot(root: string): SnapshotPayload {
  const run = runAgent(["collect", "--root", root]);
  if (run.status !== 0) throw new Error(`collect --root ${root} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SnapshotPayload;
}

/**
 * runAgent without blocking the test process: the same command and environment, awaited, so that a
 * few can run side by side (each agent is one process on one core; run one at a time, the second
 * core idles).
 */
export function runAgentAsync(args: string[]): Promise<AgentRun> {
  requireBuilt(agentBundle, "pnpm --filter @kdumpwatch/agent build");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [agentBundle, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    // runAgent's spawnSync timeout
    const timer = setTimeout(() => child.kill("SIGTERM"), 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** An element of the several-root `check --json` array (apps/agent/src/commands/check-roots.ts). */
export interface RootEntry {
  root: string;
  exitCode: number;
  report?: unknown;
  error?: string;
}

/**
 * ONE `check --json` with a --root per directory (the several-root mode: one Node start and one
 * agent initialisation for all of them, where a process per directory cost ~0.12 s of CPU each):
 * the run, and each root's entry by the root as given (none when stdout is not that array; the
 * caller says what was printed). agent-old-node.test.ts proves that an entry's report is what
 * `check --root DIR --json` alone prints.
 */
export async function checkRoots(
  roots: string[],
): Promise<{ run: AgentRun; entries: Map<string, RootEntry> }> {
  const run = await runAgentAsync(["check", ...roots.flatMap((root) => ["--root", root]), "--json"]);
  const entries = new Map<string, RootEntry>();
  try {
    const parsed: unknown = JSON.parse(run.stdout);
    if (Array.isArray(parsed)) for (const entry of parsed as RootEntry[]) entries.set(entry.root, entry);
  } catch {
    // not JSON: no entries
  }
  return { run, entries };
}

/** A Node stack frame line: never shown to an operator. */
export const STACK_TRACE = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .*:\d+:\d+$/m;
