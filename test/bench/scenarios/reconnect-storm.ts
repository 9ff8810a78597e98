/**
 * Reconnect storm on PostgreSQL: the whole enrolled fleet is connected and quiet; the server is
 * killed with SIGKILL (no goodbye to anyone) and started again at once. Measured: time until every
 * agent is connected again (from the kill and from the restart's "listening"), the handshake rate,
 * the server's CPU and RSS while the fleet returns, and false staleness: the stale count in
 * /api/fleet/summary and stale alerts (`host.stale`) in /api/alerts, polled throughout and after.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ProgressWindow } from "../../sim/run-stats.ts";
import { databaseUrl } from "../lib/database.ts";
import { cpuSeconds, cpuSecondsOfNamed, round, type UsageWindow } from "../lib/process-stats.ts";
import { BENCH_ENROLL_TOKEN, BenchServer } from "../lib/server-process.ts";
import { startSim, waitForProgress } from "../lib/sim-process.ts";
import { type BenchContext, sleep, thin } from "./context.ts";
import { fleetStateFile } from "./enroll-fleet.ts";

export interface ReconnectResult {
  agents: number;
  staleAfterSec: number;
  /** CPU (% of one core) and RSS with the whole fleet connected and nothing changing */
  idle: { seconds: number; serverCpuPercent: number; postgresCpuPercent: number; serverRssMiB: number };
  /** seconds the server stayed down before the restart (0: restarted at once) */
  outageSec: number;
  /** stale hosts in the first summary after the restart: downtime must not count */
  staleAtRestart: number;
  connectedBeforeKill: number;
  /** kill → restarted server listening */
  restartSec: number;
  /** kill → every agent connected again (null: not within the limit) */
  allBackFromKillSec: number | null;
  /** restarted server listening → every agent connected again */
  allBackFromListeningSec: number | null;
  peakHandshakesPerSec: number;
  refusedUpgrades: Record<string, number>;
  server: UsageWindow;
  staleMax: number;
  staleAlerts: { pending: number; firing: number; total: number } | null;
  alertsApi: boolean;
  errors: number;
  errorKinds: Record<string, number>;
  timeline: ProgressWindow[];
}

/** heartbeats come every 30 s by default: the quiet window covers one round */
const QUIET_SEC = 40;

interface AlertLike {
  check: string;
  state: string;
  startsAt: string;
}

export async function reconnectStorm(
  ctx: BenchContext,
  staleAfterSec = 180,
  outageSec = 0,
  rampSec = 120,
  limitSec = 900,
): Promise<ReconnectResult> {
  const fleet = fleetStateFile(ctx);
  if (!existsSync(fleet))
    throw new Error(
      `no enrolled fleet (${fleet}): run the enroll scenario first (pnpm bench --only enroll --keep)`,
    );
  const serverOptions = {
    port: ctx.port,
    databaseUrl: databaseUrl(),
    logFile: join(ctx.workDir, "server-reconnect.log"),
    env: { KDUMPWATCH_STALE_AFTER: String(staleAfterSec) },
  };
  let server = await BenchServer.start(serverOptions);
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
      "--interval",
      "3600",
      // the fleet connects gently first; the storm measured is the one after the kill
      "--ramp",
      String(rampSec),
      "--state-file",
      fleet,
    ],
    {
      logFile: join(ctx.workDir, "sim-reconnect.log"),
      onProgress: (p) => {
        if (Math.round(p.t) % 10 === 0)
          ctx.log(`reconnect: t=${p.t}s connected ${p.connected} handshakes/s ${p.handshakesPerSec}`);
      },
    },
  );
  const settled = await waitForProgress(
    sim,
    (p) => p.connected >= ctx.agents && p.everAcked >= ctx.agents,
    limitSec * 1000,
  );
  if (settled === null) ctx.log("reconnect: the fleet did not settle before the kill; measuring anyway");
  // the quiet fleet: what 10,000 connected agents cost when nothing changes (heartbeats, pings)
  const quiet = {
    server: cpuSeconds(server.pid) ?? 0,
    postgres: cpuSecondsOfNamed("postgres"),
    at: performance.now(),
  };
  await sleep(QUIET_SEC * 1000);
  const quietSpan = (performance.now() - quiet.at) / 1000;
  const idle = {
    seconds: round(quietSpan),
    serverCpuPercent: round((((cpuSeconds(server.pid) ?? 0) - quiet.server) / quietSpan) * 100),
    postgresCpuPercent: round(((cpuSecondsOfNamed("postgres") - quiet.postgres) / quietSpan) * 100),
    serverRssMiB: server.sampler.read().rssEndMiB,
  };
  const beforeKill = sim.progress.at(-1);
  const killT = beforeKill?.t ?? 0;
  ctx.log(`reconnect: ${beforeKill?.connected} agents connected; SIGKILL to the server`);
  const killedAt = performance.now();
  server.kill("SIGKILL");
  await server.exited;
  await server.stop();
  if (outageSec > 0) {
    ctx.log(`reconnect: server stays down for ${outageSec} s (longer than the stale threshold)`);
    await sleep(outageSec * 1000);
  }
  server = await BenchServer.start(serverOptions);
  const restartSec = (performance.now() - killedAt) / 1000;
  ctx.log(`reconnect: restarted and listening after ${restartSec.toFixed(1)} s`);

  let staleMax = 0;
  let staleAlerts: ReconnectResult["staleAlerts"] = null;
  let alertsApi = true;
  const killIso = new Date(Date.now() - restartSec * 1000).toISOString();
  const poll = async () => {
    const summary = (await server.get("/api/fleet/summary").catch(() => null)) as { stale?: number } | null;
    if (summary?.stale !== undefined) staleMax = Math.max(staleMax, summary.stale);
    if (!alertsApi) return;
    try {
      const list = (await server.get("/api/alerts?resolvedWithin=1h&limit=10000")) as
        | { alerts?: AlertLike[] }
        | AlertLike[];
      const alerts = Array.isArray(list) ? list : (list.alerts ?? []);
      const stale = alerts.filter((a) => a.check === "host.stale" && a.startsAt >= killIso);
      staleAlerts = {
        pending: Math.max(staleAlerts?.pending ?? 0, stale.filter((a) => a.state === "pending").length),
        firing: Math.max(staleAlerts?.firing ?? 0, stale.filter((a) => a.state === "firing").length),
        total: Math.max(staleAlerts?.total ?? 0, stale.length),
      };
    } catch {
      alertsApi = false;
    }
  };
  await poll();
  const staleAtRestart = staleMax;
  const poller = setInterval(() => void poll(), 2000);
  const back = await waitForProgress(
    sim,
    (p) => p.t > killT + restartSec && p.connected >= ctx.agents,
    limitSec * 1000,
  );
  const backAt = performance.now();
  const serverUsage = server.sampler.read();
  // the stale threshold must pass after the restart for a false "stale" to have had its chance
  ctx.log(
    `reconnect: all back; watching for stale hosts/alerts until ${staleAfterSec + 30} s after the restart`,
  );
  const watchUntil = killedAt + restartSec * 1000 + (staleAfterSec + 30) * 1000;
  while (performance.now() < watchUntil) await sleep(2000);
  clearInterval(poller);
  await poll();
  const windows = sim.progress.filter((p) => p.t > killT);
  sim.interrupt();
  const { result } = await sim.result;
  await server.stop();
  return {
    agents: ctx.agents,
    staleAfterSec,
    outageSec,
    idle,
    staleAtRestart,
    connectedBeforeKill: beforeKill?.connected ?? 0,
    restartSec: Number(restartSec.toFixed(1)),
    allBackFromKillSec: back === null ? null : Number(((backAt - killedAt) / 1000).toFixed(1)),
    allBackFromListeningSec:
      back === null ? null : Number(((backAt - killedAt) / 1000 - restartSec).toFixed(1)),
    peakHandshakesPerSec: Math.max(0, ...windows.map((p) => p.handshakesPerSec)),
    refusedUpgrades: result.refusedUpgrades,
    server: serverUsage,
    staleMax,
    staleAlerts,
    alertsApi,
    errors: result.errors,
    errorKinds: result.errorKinds,
    timeline: thin(windows),
  };
}
