/**
 * Sustained ingest on PostgreSQL: the enrolled fleet reconnects, spread over a ramp (credentials
 * from the simulator's state file) and its hosts change their evidence at a steady rate, so every
 * change is a new snapshot to judge, store and acknowledge. Stepped offered loads; for each step the
 * achieved rate and ack latency after the warm-up (reconnection burst excluded), and the CPU of the
 * server, of PostgreSQL and of the whole machine in that window.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { databaseUrl } from "../lib/database.ts";
import { cpuSeconds, cpuSecondsOfNamed, machineBusySeconds, round } from "../lib/process-stats.ts";
import { BENCH_ENROLL_TOKEN, BenchServer } from "../lib/server-process.ts";
import { type SimResult, startSim } from "../lib/sim-process.ts";
import type { BenchContext } from "./context.ts";
import { fleetStateFile } from "./enroll-fleet.ts";

interface IngestStep {
  changeRate: number;
  offeredPerSec: number;
  achievedPerSec: number | null;
  ackP50Ms: number | null;
  ackP95Ms: number | null;
  ackP99Ms: number | null;
  steadySeconds: number | null;
  /** the steady window began (the reconnection burst was over) */
  burstOverAtWarmup: boolean;
  /** seconds into the run when the steady window began: the fleet's reconnection took this long */
  warmupSec: number | null;
  serverCpuPercent: number | null;
  postgresCpuPercent: number | null;
  simulatorCpuPercent: number | null;
  machineBusyPercent: number | null;
  serverRssPeakMiB: number;
  errors: number;
  errorKinds: Record<string, number>;
  unsettled: number;
}

export interface SustainedResult {
  agents: number;
  measureSec: number;
  steps: IngestStep[];
  /** highest achieved rate whose steady p99 stayed under 1 s */
  bestUnderOneSecondP99: number | null;
}

interface CpuMark {
  server: number;
  postgres: number;
  sim: number;
  busy: number;
  at: number;
}

export async function sustainedIngest(
  ctx: BenchContext,
  options: { rates: number[]; measureSec: number; maxSec: number; rampSec: number },
): Promise<SustainedResult> {
  const fleet = fleetStateFile(ctx);
  if (!existsSync(fleet))
    throw new Error(
      `no enrolled fleet (${fleet}): run the enroll scenario first (pnpm bench --only enroll --keep)`,
    );
  const server = await BenchServer.start({
    port: ctx.port,
    databaseUrl: databaseUrl(),
    logFile: join(ctx.workDir, "server-sustained.log"),
  });
  const steps: IngestStep[] = [];
  try {
    for (const rate of options.rates) {
      const offered = Math.round(rate * ctx.agents);
      ctx.log(`sustained: offering ${offered} snapshots/s (${rate} changes per host per second)`);
      // the window: the simulator's steady state (from 5 s after every agent is acked again, for
      // `measureSec`), as its progress lines mark it
      let start: CpuMark | null = null;
      let end: CpuMark | null = null;
      let warmupSec: number | null = null;
      const mark = (simPid: number): CpuMark => ({
        server: cpuSeconds(server.pid) ?? 0,
        postgres: cpuSecondsOfNamed("postgres"),
        sim: cpuSeconds(simPid) ?? 0,
        busy: machineBusySeconds(),
        at: performance.now(),
      });
      const rssBefore = server.sampler.read().rssPeakMiB;
      const sim = startSim(
        [
          "--server",
          server.url,
          "--enroll-token",
          BENCH_ENROLL_TOKEN,
          "--agents",
          String(ctx.agents),
          "--duration",
          String(options.maxSec),
          "--warmup",
          "auto",
          // the enrolled fleet comes back gently (the reconnect storm is measured on its own)
          "--ramp",
          String(options.rampSec),
          "--measure",
          String(options.measureSec),
          "--change-rate",
          String(rate),
          "--interval",
          "3600",
          "--state-file",
          fleet,
          "--drain-timeout",
          "20",
        ],
        {
          logFile: join(ctx.workDir, `sim-sustained-${rate}.log`),
          onProgress: (p) => {
            if (p.steady) {
              if (start === null) {
                start = mark(sim.pid);
                warmupSec = p.t;
              } else {
                end = mark(sim.pid);
              }
            }
            if (Math.round(p.t) % 10 === 0) {
              ctx.log(
                `sustained ${offered}/s: t=${p.t}s acked/s ${p.ackedPerSec} p99 ${p.ackP99Ms}ms connected ${p.connected}`,
              );
            }
          },
        },
      );
      const { result } = await sim.result;
      const s = start as CpuMark | null;
      const e = (end as CpuMark | null) ?? s;
      const span = s && e ? (e.at - s.at) / 1000 : 0;
      const pct = (a: number | undefined, b: number | undefined) =>
        span > 0 && a !== undefined && b !== undefined ? round(((b - a) / span) * 100) : null;
      steps.push(
        stepOf(rate, offered, result, {
          burstOver: warmupSec !== null,
          warmupSec,
          server: pct(s?.server, e?.server),
          postgres: pct(s?.postgres, e?.postgres),
          sim: pct(s?.sim, e?.sim),
          busy: pct(s?.busy, e?.busy),
          rss: Math.max(rssBefore, server.sampler.read().rssPeakMiB),
        }),
      );
      const last = steps.at(-1);
      if (last && (last.achievedPerSec ?? 0) < 0.9 * offered) {
        ctx.log(`sustained: saturated at ${last.achievedPerSec}/s of ${offered}/s offered; not going higher`);
        break;
      }
    }
  } finally {
    await server.stop();
  }
  const good = steps.filter((s) => s.ackP99Ms !== null && s.ackP99Ms < 1000 && s.achievedPerSec !== null);
  return {
    agents: ctx.agents,
    measureSec: options.measureSec,
    steps,
    bestUnderOneSecondP99: good.length === 0 ? null : Math.max(...good.map((s) => s.achievedPerSec ?? 0)),
  };
}

function stepOf(
  rate: number,
  offered: number,
  r: SimResult,
  cpu: {
    burstOver: boolean;
    warmupSec: number | null;
    server: number | null;
    postgres: number | null;
    sim: number | null;
    busy: number | null;
    rss: number;
  },
): IngestStep {
  return {
    changeRate: rate,
    offeredPerSec: offered,
    achievedPerSec: r.steady.ackedPerSec,
    ackP50Ms: r.steady.ackP50Ms,
    ackP95Ms: r.steady.ackP95Ms,
    ackP99Ms: r.steady.ackP99Ms,
    steadySeconds: r.steady.seconds,
    burstOverAtWarmup: cpu.burstOver,
    warmupSec: cpu.warmupSec,
    serverCpuPercent: cpu.server,
    postgresCpuPercent: cpu.postgres,
    simulatorCpuPercent: cpu.sim,
    machineBusyPercent: cpu.busy,
    serverRssPeakMiB: cpu.rss,
    errors: r.errors,
    errorKinds: r.errorKinds,
    unsettled: r.unsettled,
  };
}
