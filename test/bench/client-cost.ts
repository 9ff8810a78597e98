/**
 * What the load generator alone can offer on this machine: the fleet simulator (test/sim, every
 * host an AgentClient from apps/agent) against a server that does nothing — it welcomes every
 * hello and acks every snapshot at once, with no parsing beyond the frame's JSON, no database and
 * no judging. BENCHMARKS.md's "How the load is made" quotes these figures; they bound what any
 * run of the real server on the same 2 cores can show.
 *   1. storm: N never-seen agents start at once; time until every first snapshot is acked;
 *   2. changes: the same fleet reconnects and every host changes at `--rate` per second (far more
 *      than the client can do), the acks counted over `--measure` seconds.
 *
 *   npx tsx bench/client-cost.ts [--agents 10000] [--rate 0.5] [--measure 30] [--out FILE]   (from test/)
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WebSocketServer } from "ws";
import { printResult, runBench } from "./lib/bench-main.ts";
import { cpuSeconds, loadAverage, round } from "./lib/process-stats.ts";
import { fleetArgs, startSim, waitForProgress } from "./lib/sim-process.ts";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "10000" },
    rate: { type: "string", default: "0.5" },
    measure: { type: "string", default: "30" },
    out: { type: "string" },
  },
});

/** A protocol v1 peer that welcomes and acks everything: the server's work taken out. */
function startNullServer(): Promise<{ url: string; close(): void }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, backlog: 4096, path: "/api/agent/ws" });
  wss.on("connection", (ws) => {
    ws.on("error", () => {});
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString()) as { type?: string; seq?: number; auth?: { kind?: string } };
      if (m.type === "hello") {
        const hostId = randomUUID();
        ws.send(
          JSON.stringify({
            v: 1,
            type: "welcome",
            hostId,
            ...(m.auth?.kind === "enroll" ? { credential: { hostId, secret: `kdw_h_${randomUUID()}` } } : {}),
            heartbeatSec: 3600,
          }),
        );
      } else if (m.type === "snapshot") ws.send(JSON.stringify({ v: 1, type: "ack", seq: m.seq }));
    });
  });
  return new Promise((resolve) =>
    wss.once("listening", () =>
      resolve({
        url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
        close: () => wss.close(),
      }),
    ),
  );
}

async function main(): Promise<void> {
  const agents = Number(values.agents);
  const work = join(tmpdir(), "kdw-bench-client");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const server = await startNullServer();
  const stateFile = join(work, "fleet.json");
  const base = ["--server", server.url, "--enroll-token", "null-server", "--agents", String(agents)];
  const result: Record<string, unknown> = {
    command: `npx tsx bench/client-cost.ts ${process.argv.slice(2).join(" ")}`.trim(),
    agents,
    loadBefore: loadAverage(),
  };
  try {
    const self0 = cpuSeconds(process.pid) ?? 0;
    const storm = startSim([...base, ...fleetArgs({ stateFile })], { logFile: join(work, "sim-storm.log") });
    const all = await waitForProgress(storm, (p) => p.everAcked >= agents, 600_000);
    const simCpu = cpuSeconds(storm.pid) ?? 0;
    storm.interrupt();
    await storm.result.catch(() => null);
    result.storm = {
      allAckedSec: all?.t ?? null,
      simulatorCpuSec: round(simCpu, 1),
      simulatorCpuMsPerAgent: round((simCpu * 1000) / agents, 2),
      nullServerCpuSec: round((cpuSeconds(process.pid) ?? 0) - self0, 1),
    };

    const changes = startSim([...base, ...fleetArgs({ stateFile, ramp: 10, changeRate: values.rate })], {
      logFile: join(work, "sim-changes.log"),
    });
    await waitForProgress(changes, (p) => p.everAcked >= agents, 600_000);
    await new Promise((r) => setTimeout(r, 5_000));
    const from = changes.progress.length;
    const sim0 = cpuSeconds(changes.pid) ?? 0;
    const self1 = cpuSeconds(process.pid) ?? 0;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, Number(values.measure) * 1000));
    const wallSec = (performance.now() - t0) / 1000;
    const acked = changes.progress.slice(from).reduce((n, w) => n + w.acked, 0);
    const simCpuChanges = (cpuSeconds(changes.pid) ?? 0) - sim0;
    result.changes = {
      offeredPerSec: agents * Number(values.rate),
      ackedPerSec: round(acked / wallSec, 0),
      simulatorCores: round(simCpuChanges / wallSec, 2),
      simulatorCpuMsPerSnapshot: round((simCpuChanges * 1000) / Math.max(1, acked), 3),
      nullServerCores: round(((cpuSeconds(process.pid) ?? 0) - self1) / wallSec, 2),
    };
    changes.interrupt();
    await changes.result.catch(() => null);
    result.loadAfter = loadAverage();
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
  printResult(result, values.out);
}

runBench(main);
