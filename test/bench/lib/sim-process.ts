/**
 * The fleet simulator (test/sim) as a benchmark load generator: started in its own process with
 * JSON progress every second, its progress lines collected (and handed to a callback), and its
 * final JSON line parsed. It runs on the same 2-core machine as the server (BENCHMARKS.md says so).
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import type { ProgressWindow } from "../../sim/run-stats.ts";
import { UsageSampler, type UsageWindow } from "./process-stats.ts";
import { RAISE_NOFILE, REPO } from "./server-process.ts";

const TEST_DIR = resolve(REPO, "test");

/** The simulator's final line (test/sim/main.ts). */
export interface SimResult {
  agents: number;
  connected: number;
  snapshotsAcked: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  errors: number;
  durationSec: number;
  snapshotsSent: number;
  ackMaxMs: number | null;
  allAckedAtSec: number | null;
  handshakes: number;
  peakHandshakesPerSec: number;
  changes: number;
  disconnects: number;
  connectFailures: number;
  refusedUpgrades: Record<string, number>;
  errorKinds: Record<string, number>;
  steady: {
    fromSec: number;
    seconds: number | null;
    acked: number;
    ackedPerSec: number | null;
    ackP50Ms: number | null;
    ackP95Ms: number | null;
    ackP99Ms: number | null;
  };
  verdicts: Record<string, number>;
  unsettled: number;
  workers: number;
}

export interface SimRun {
  pid: number;
  progress: ProgressWindow[];
  /** SIGINT: the simulator drains (at most 5 s) and prints its result */
  interrupt(): void;
  result: Promise<{ result: SimResult; usage: UsageWindow }>;
}

export function startSim(
  args: string[],
  options: { logFile: string; onProgress?: (p: ProgressWindow) => void },
): SimRun {
  const log = createWriteStream(options.logFile, { flags: "a" });
  // `node --import tsx`, not the tsx CLI (which runs node as a child): one process, all its CPU is here
  const child = spawn(
    "bash",
    [
      "-c",
      `${RAISE_NOFILE}; exec "$0" "$@"`,
      process.execPath,
      "--import",
      "tsx",
      "sim/main.ts",
      ...args,
      "--progress",
      "json",
      "--progress-every",
      "1",
    ],
    { cwd: TEST_DIR, stdio: ["ignore", "pipe", "pipe"] },
  );
  const sampler = new UsageSampler(child.pid ?? 0);
  const progress: ProgressWindow[] = [];
  let stdout = "";
  let partial = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    log.write(c);
    const lines = (partial + c.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith('{"progress"')) continue;
      const p = (JSON.parse(line) as { progress: ProgressWindow }).progress;
      progress.push(p);
      options.onProgress?.(p);
    }
  });
  const result = new Promise<{ result: SimResult; usage: UsageWindow }>((resolveRun, reject) => {
    child.once("exit", (code) => {
      const usage = sampler.stop();
      log.write(`--- exit ${code}\n${stdout}`);
      log.end();
      const last = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolveRun({ result: JSON.parse(last) as SimResult, usage });
      } catch {
        reject(new Error(`simulator exited (${code}) without a result; see ${options.logFile}`));
      }
    });
  });
  return {
    pid: child.pid ?? 0,
    progress,
    interrupt: () => child.kill("SIGINT"),
    result,
  };
}

/** Resolves with the first progress line that satisfies `test`, or null after `timeoutMs`. */
export function waitForProgress(
  run: SimRun,
  test: (p: ProgressWindow) => boolean,
  timeoutMs: number,
): Promise<ProgressWindow | null> {
  return new Promise((resolveWait) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const hit = run.progress.find(test);
      if (hit) {
        clearInterval(timer);
        resolveWait(hit);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        resolveWait(null);
      }
    }, 200);
  });
}

/**
 * The simulator's arguments for a fleet that stays connected with no heartbeat to speak of (one an
 * hour), keeping its credentials in `stateFile`; with `ramp` its agents start over that many
 * seconds, with `changeRate` each host changes that often per second.
 */
export function fleetArgs(o: { stateFile: string; ramp?: number; changeRate?: number | string }): string[] {
  return [
    "--duration",
    "0",
    "--interval",
    "3600",
    "--state-file",
    o.stateFile,
    ...(o.ramp === undefined ? [] : ["--ramp", String(o.ramp)]),
    ...(o.changeRate === undefined ? [] : ["--change-rate", String(o.changeRate)]),
  ];
}
