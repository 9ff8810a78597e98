/**
 * Benchmarks written by their owners, run by `pnpm bench` as they are: test/bench/agent.ts (agent
 * RSS, collection time, bundle size), test/bench/dashboard-paint.ts (first paint of the fleet page),
 * test/bench/alert-latency.ts (host change → dashboard and webhook). Each prints one JSON object on
 * stdout; a missing script is reported as such, never measured in its place.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { RAISE_NOFILE, REPO } from "../lib/server-process.ts";
import type { BenchContext } from "./context.ts";

export const EXTERNAL_BENCHES = {
  agent: { file: "bench/agent.ts", args: ["--root", "captures/ubuntu-2204-ready"], timeoutSec: 600 },
  "agent-live": { file: "bench/agent.ts", args: [], timeoutSec: 600 },
  "dashboard-paint": { file: "bench/dashboard-paint.ts", args: [], timeoutSec: 3600 },
  "alert-latency": { file: "bench/alert-latency.ts", args: [], timeoutSec: 1800 },
} as const;
export type ExternalBench = keyof typeof EXTERNAL_BENCHES;

export interface ExternalResult {
  script: string;
  args: string[];
  present: boolean;
  exitCode: number | null;
  seconds: number;
  output: unknown;
  stderrTail: string;
}

export async function runExternal(
  ctx: BenchContext,
  name: ExternalBench,
  extraArgs: string[] = [],
): Promise<ExternalResult> {
  const spec = EXTERNAL_BENCHES[name];
  const testDir = resolve(REPO, "test");
  const script = join(testDir, spec.file);
  const args = [...spec.args, ...extraArgs];
  if (!existsSync(script)) {
    return {
      script: spec.file,
      args,
      present: false,
      exitCode: null,
      seconds: 0,
      output: null,
      stderrTail: "",
    };
  }
  const log = createWriteStream(join(ctx.workDir, `${name}.log`), { flags: "a" });
  const started = performance.now();
  const child = spawn(
    "bash",
    ["-c", `${RAISE_NOFILE}; exec "$0" "$@"`, join(testDir, "node_modules/.bin/tsx"), spec.file, ...args],
    { cwd: testDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
    log.write(c);
  });
  const killer = setTimeout(() => child.kill("SIGTERM"), spec.timeoutSec * 1000);
  const exitCode = await new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  clearTimeout(killer);
  log.end();
  let output: unknown = null;
  const at = stdout.indexOf("{");
  if (at >= 0) {
    try {
      output = JSON.parse(stdout.slice(at));
    } catch {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      try {
        output = JSON.parse(last);
      } catch {
        output = { unparsedStdout: stdout.slice(-2000) };
      }
    }
  }
  return {
    script: spec.file,
    args,
    present: true,
    exitCode,
    seconds: Math.round((performance.now() - started) / 1000),
    output,
    stderrTail: stderr.slice(-1500),
  };
}
