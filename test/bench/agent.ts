/**
 * Agent budgets (product.md §8): bundle ≤ 300 kB, one collection ≤ 100 ms, RSS ≤ 60 MB, negligible
 * CPU between collections. Measures the REAL bundle as a daemon (`run`) against a minimal in-process
 * protocol server (welcome + ack), so no database or server build is needed. Prints one JSON object.
 *
 *   npx tsx test/bench/agent.ts [--root CAPTURE_DIR] [--collections 20] [--idle-seconds 10]
 *
 * Collection time is what the agent itself logs (`msg="collected" ms=…`, debug level) around one
 * full collection, SIGHUP-triggered; on a live host run it as root to include privileged sources.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WebSocketServer } from "ws";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = join(repo, "apps/agent/dist/kdumpwatch-agent.cjs");
const { values } = parseArgs({
  options: {
    root: { type: "string" },
    collections: { type: "string", default: "20" },
    "idle-seconds": { type: "string", default: "20" },
    /** V8/Node flags for the agent instead of the start script's (infra/systemd/kdumpwatch-agent-start) */
    "node-flags": { type: "string" },
    /** the Node binary that runs the agent (default: this one), e.g. ~/.cache/kdumpwatch/node/10.19.0/bin/node */
    node: { type: "string" },
  },
});
const collections = Number(values.collections);
const idleSeconds = Number(values["idle-seconds"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/**
 * The agent is started as the unit starts it: through kdumpwatch-agent-start (which picks the V8
 * flags for the Node it finds), copied next to a link to the bundle; `exec` keeps the pid. With
 * --node-flags, the bundle is started directly with those flags instead.
 */
function agentCommand(
  agentNode: string,
  dir: string,
): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  if (values["node-flags"] !== undefined) {
    return { cmd: agentNode, args: [...values["node-flags"].split(/\s+/).filter(Boolean), bundle], env: {} };
  }
  const start = join(dir, "kdumpwatch-agent-start");
  copyFileSync(join(repo, "infra/systemd/kdumpwatch-agent-start"), start);
  chmodSync(start, 0o755);
  symlinkSync(bundle, join(dir, "kdumpwatch-agent.cjs"));
  return { cmd: start, args: [], env: { KDUMPWATCH_NODE: agentNode } };
}

/** the V8/Node flags the running agent was given, from its command line */
function runningNodeFlags(pid: number): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return argv.slice(
    1,
    argv.findIndex((a) => a.endsWith("kdumpwatch-agent.cjs")),
  );
}

function procStatus(pid: number): { rssKb: number; hwmKb: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"))?.[1] ?? Number.NaN);
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** user + system CPU time of the process and its waited-for children, in ms */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11..14] = utime, stime, cutime, cstime (man 5 proc, counted from field 3)
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / CLK_TCK;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  if (!existsSync(bundle)) spawnSync("node", [join(repo, "apps/agent/build.mjs")], { stdio: "inherit" });
  const bundleBytes = statSync(bundle).size;

  let acks = 0;
  let snapshotBytes = 0;
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/api/agent/ws" });
  await new Promise((r) => wss.once("listening", r));
  const port = (wss.address() as { port: number }).port;
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { type: string; seq?: number };
      if (msg.type === "hello")
        ws.send(JSON.stringify({ v: 1, type: "welcome", hostId: "bench", heartbeatSec: 30 }));
      if (msg.type === "snapshot") {
        snapshotBytes = Buffer.byteLength(String(data));
        acks++;
        ws.send(JSON.stringify({ v: 1, type: "ack", seq: msg.seq }));
      }
    });
  });

  const stateDir = mkdtempSync(join(tmpdir(), "kdw-bench-"));
  const launchDir = mkdtempSync(join(tmpdir(), "kdw-bench-start-"));
  const agentNode = values.node ?? process.execPath;
  const launch = agentCommand(agentNode, launchDir);
  const args = [
    ...launch.args,
    "run",
    "--server",
    `http://127.0.0.1:${port}`,
    "--enroll-token",
    "bench",
    "--state-dir",
    stateDir,
  ];
  if (values.root) args.push("--root", values.root);
  const started = Date.now();
  const agent = spawn(launch.cmd, args, {
    env: { ...process.env, ...launch.env, KDUMPWATCH_LOG_LEVEL: "debug", KDUMPWATCH_INTERVAL: "3600" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const pid = agent.pid ?? 0;
  const durations: number[] = [];
  let stderr = "";
  agent.stderr.setEncoding("utf8");
  agent.stderr.on("data", (chunk: string) => {
    stderr += chunk;
    for (const m of chunk.matchAll(/msg="collected" ms=(\d+)/g)) durations.push(Number(m[1]));
  });

  try {
    while (acks === 0) {
      if (Date.now() - started > 30_000) throw new Error(`no ack within 30 s; agent said:\n${stderr}`);
      await sleep(20);
    }
    const firstAckMs = Date.now() - started;
    for (let i = 0; i < collections; i++) {
      const before = durations.length;
      agent.kill("SIGHUP");
      while (durations.length === before) await sleep(5);
      await sleep(100);
    }
    const afterCollections = procStatus(pid);
    // V8's memory reducer collects garbage a few seconds after activity: let it finish first
    await sleep(8_000);
    const cpuBefore = cpuMs(pid);
    await sleep(idleSeconds * 1000);
    const idleCpuMs = cpuMs(pid) - cpuBefore;
    const idle = procStatus(pid);

    const sorted = [...durations].sort((a, b) => a - b);
    const report = {
      node: spawnSync(agentNode, ["--version"], { encoding: "utf8" }).stdout.trim(),
      nodeFlags: runningNodeFlags(pid),
      source: values.root ?? "live host",
      bundle: { bytes: bundleBytes, kB: +(bundleBytes / 1000).toFixed(1), budgetKB: 300 },
      collectionMs: {
        count: sorted.length,
        first: durations[0],
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        max: sorted.at(-1),
        budget: 100,
      },
      snapshotFrameBytes: snapshotBytes,
      rssMB: {
        afterCollections: +(afterCollections.rssKb / 1024).toFixed(1),
        idle: +(idle.rssKb / 1024).toFixed(1),
        peak: +(idle.hwmKb / 1024).toFixed(1),
        budget: 60,
      },
      idleCpu: {
        windowSec: idleSeconds,
        cpuMs: +idleCpuMs.toFixed(1),
        percentOfOneCore: +((idleCpuMs / (idleSeconds * 1000)) * 100).toFixed(3),
      },
      firstAckMs,
      acks,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    agent.kill("SIGTERM");
    wss.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(launchDir, { recursive: true, force: true });
  }
}

await main();
