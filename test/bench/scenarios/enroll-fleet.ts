/**
 * Prepares the fleet that the sustained-ingest and reconnect scenarios reuse: a fresh PostgreSQL
 * database and N agents enrolling spread over a ramp (not a storm: the storm is measured on its
 * own), their credentials kept in the simulator's state file. Its figures are reported too: the
 * enrollment rate the server sustains when it is not overwhelmed.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { recreateDatabase } from "../lib/database.ts";
import type { UsageWindow } from "../lib/process-stats.ts";
import { BENCH_ENROLL_TOKEN, BenchServer } from "../lib/server-process.ts";
import { startSim, waitForProgress } from "../lib/sim-process.ts";
import type { BenchContext } from "./context.ts";

export interface EnrollResult {
  agents: number;
  rampSec: number;
  allAckedSec: number | null;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  errors: number;
  errorKinds: Record<string, number>;
  hostRecords: number;
  duplicates: number;
  server: UsageWindow;
}

/** The enrolled fleet's credentials, shared by the scenarios that need hosts already known. */
export function fleetStateFile(ctx: BenchContext): string {
  return join(ctx.workDir, `fleet-enrolled-${ctx.agents}.json`);
}

export async function enrollFleet(
  ctx: BenchContext,
  rampSec: number,
  limitSec = 1200,
): Promise<EnrollResult> {
  const fleet = fleetStateFile(ctx);
  rmSync(fleet, { force: true });
  const databaseUrl = await recreateDatabase();
  const server = await BenchServer.start({
    port: ctx.port,
    databaseUrl,
    logFile: join(ctx.workDir, "server-enroll.log"),
  });
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
      "2",
      "--ramp",
      String(rampSec),
      "--interval",
      "3600",
      "--state-file",
      fleet,
    ],
    {
      logFile: join(ctx.workDir, "sim-enroll.log"),
      onProgress: (p) => {
        if (Math.round(p.t) % 10 === 0) ctx.log(`enroll: t=${p.t}s first-acked ${p.everAcked}/${ctx.agents}`);
      },
    },
  );
  const done = await waitForProgress(sim, (p) => p.everAcked >= ctx.agents, limitSec * 1000);
  const usage = server.sampler.read();
  sim.interrupt();
  const { result } = await sim.result;
  const summary = (await server.get("/api/fleet/summary").catch(() => null)) as {
    total?: number;
    duplicates?: number;
  } | null;
  await server.stop();
  if (done === null) throw new Error(`the fleet did not enroll within ${limitSec} s`);
  return {
    agents: ctx.agents,
    rampSec,
    allAckedSec: result.allAckedAtSec,
    ackP50Ms: result.ackP50Ms,
    ackP99Ms: result.ackP99Ms,
    errors: result.errors,
    errorKinds: result.errorKinds,
    hostRecords: summary?.total ?? -1,
    duplicates: summary?.duplicates ?? -1,
    server: usage,
  };
}
