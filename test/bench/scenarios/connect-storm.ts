/**
 * Connect + initial snapshot storm: N agents that have never been seen start at the same moment
 * against one fresh server process (PGlite or PostgreSQL). Measured: time until every one has its
 * first snapshot acknowledged, ack latency, handshake rate, server CPU and RSS, PostgreSQL's CPU.
 * The simulator keeps the fleet's credentials in a state file for the scenarios that follow.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ProgressWindow } from "../../sim/run-stats.ts";
import { recreateDatabase } from "../lib/database.ts";
import { cpuSecondsOfNamed, machineBusySeconds, round, type UsageWindow } from "../lib/process-stats.ts";
import { BENCH_ADMIN_TOKEN, BENCH_ENROLL_TOKEN, BenchServer } from "../lib/server-process.ts";
import { type SimResult, startSim, waitForProgress } from "../lib/sim-process.ts";
import { type BenchContext, thin } from "./context.ts";

export type Driver = "pglite" | "postgres";

export interface StormResult {
  driver: Driver;
  agents: number;
  /** every agent had its first snapshot acknowledged (null: not within the time limit) */
  allAckedSec: number | null;
  firstAckedAtEnd: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  ackMaxMs: number | null;
  peakHandshakesPerSec: number;
  errors: number;
  errorKinds: Record<string, number>;
  duplicates: number;
  server: UsageWindow;
  /** MiB, from the server's /metrics with every agent connected (the event loop's isolate only) */
  serverMemory: Record<string, number> | null;
  postgresCpuSeconds: number | null;
  simulator: UsageWindow;
  machineBusyPercent: number;
  timeline: ProgressWindow[];
  sim: SimResult;
}

const MEMORY_GAUGES = {
  rss: "kdumpwatch_process_resident_memory_bytes",
  heapUsed: "kdumpwatch_nodejs_heap_size_used_bytes",
  heapTotal: "kdumpwatch_nodejs_heap_size_total_bytes",
  external: "kdumpwatch_nodejs_external_memory_bytes",
} as const;

/** The server's memory gauges in MiB (prom-client's defaults, `/metrics`). */
async function serverMemory(server: BenchServer): Promise<Record<string, number>> {
  const res = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
  });
  const text = await res.text();
  const out: Record<string, number> = {};
  for (const [key, name] of Object.entries(MEMORY_GAUGES)) {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
    if (m) out[key] = round(Number(m[1]) / 2 ** 20, 0);
  }
  return out;
}

/** The storm's own fleet (its database is recreated each time, so its credentials are throwaway). */
function stormStateFile(ctx: BenchContext, driver: Driver): string {
  return join(ctx.workDir, `fleet-storm-${driver}-${ctx.agents}.json`);
}

export async function connectStorm(ctx: BenchContext, driver: Driver, limitSec = 900): Promise<StormResult> {
  // a fresh fleet: credentials of an earlier run would be refused by the fresh database
  rmSync(stormStateFile(ctx, driver), { force: true });
  const databaseUrl = driver === "postgres" ? await recreateDatabase() : undefined;
  const dataDir = driver === "pglite" ? mkdtempSync(join(ctx.workDir, "pglite-")) : undefined;
  const server = await BenchServer.start({
    port: ctx.port,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(dataDir ? { dataDir } : {}),
    logFile: join(ctx.workDir, `server-storm-${driver}.log`),
  });
  ctx.log(
    `storm/${driver}: server up at ${server.url} (pid ${server.pid}); starting ${ctx.agents} agents at once`,
  );
  const pgBefore = driver === "postgres" ? cpuSecondsOfNamed("postgres") : 0;
  const busyBefore = machineBusySeconds();
  const started = performance.now();
  const sim = startSim(
    [
      "--server",
      server.url,
      "--enroll-token",
      BENCH_ENROLL_TOKEN,
      "--agents",
      String(ctx.agents),
      "--duration",
      "0",
      "--seed",
      "1",
      "--interval",
      "3600",
      "--state-file",
      stormStateFile(ctx, driver),
    ],
    {
      logFile: join(ctx.workDir, `sim-storm-${driver}.log`),
      onProgress: (p) => {
        if (Math.round(p.t) % 10 === 0) {
          ctx.log(
            `storm/${driver}: t=${p.t}s connected ${p.connected} first-acked ${p.everAcked} acked/s ${p.ackedPerSec}`,
          );
        }
      },
    },
  );
  const done = await waitForProgress(sim, (p) => p.everAcked >= ctx.agents, limitSec * 1000);
  const serverUsage = server.sampler.read();
  // with the whole fleet still connected: where the server's resident memory is
  const memory = await serverMemory(server).catch(() => null);
  const seconds = (performance.now() - started) / 1000;
  const busy = machineBusySeconds() - busyBefore;
  const pgCpu = driver === "postgres" ? round(cpuSecondsOfNamed("postgres") - pgBefore) : null;
  sim.interrupt();
  const { result, usage } = await sim.result;
  const summary = (await server.get("/api/fleet/summary").catch(() => null)) as {
    duplicates?: number;
  } | null;
  await server.stop();
  const last = sim.progress.at(-1);
  return {
    driver,
    agents: ctx.agents,
    allAckedSec: done === null ? null : result.allAckedAtSec,
    firstAckedAtEnd: last?.everAcked ?? 0,
    ackP50Ms: result.ackP50Ms,
    ackP99Ms: result.ackP99Ms,
    ackMaxMs: result.ackMaxMs,
    peakHandshakesPerSec: result.peakHandshakesPerSec,
    errors: result.errors,
    errorKinds: result.errorKinds,
    duplicates: summary?.duplicates ?? -1,
    server: serverUsage,
    serverMemory: memory,
    postgresCpuSeconds: pgCpu,
    simulator: usage,
    machineBusyPercent: round((busy / seconds) * 100),
    timeline: thin(sim.progress),
    sim: result,
  };
}
