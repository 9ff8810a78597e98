/**
 * Running a tool for an end-to-end test (not a test file): its exit status and its output, both
 * streams apart and together, from the repository root unless told otherwise.
 */
import { spawn, spawnSync } from "node:child_process";
import { repo } from "./server-process.ts";

export interface RunOptions {
  /** the child's whole environment (default: this process's) */
  env?: NodeJS.ProcessEnv;
  /** default: the repository root */
  cwd?: string;
}

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout, then stderr: for an assertion's message */
  all: string;
}

/** Runs `cmd` to its end, blocking. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Ran {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: opts.cwd ?? repo, env: opts.env ?? process.env });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", all: `${r.stdout}${r.stderr}` };
}

/** `run` without blocking the event loop: what the 2-core machine does meanwhile is not held up. */
export function runAsync(cmd: string, args: string[], opts: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? repo, env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr, all: `${stdout}${stderr}` }));
  });
}
