/**
 * Scale-out on PostgreSQL (issue 13): three server processes behind one HAProxy address (Debian's
 * `haproxy`, WebSocket-aware `mode http`, `balance leastconn`) on one PostgreSQL database, driven
 * by the fleet simulator through the proxy. Reports the aggregate acked snapshots per second, each
 * process's CPU, and checks the alerting invariant that matters with several processes: every
 * alert exists once (no fingerprint open twice) although any process may judge any host.
 *
 *   npx tsx bench/scale-out.ts [--agents 900] [--ramp 60] [--rate 0.05] [--measure 40] [--out FILE]
 * (from test/, after `pnpm build`)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase, sql } from "@kdumpwatch/db";
import { printResult, runBench } from "./lib/bench-main.ts";
import { dropDatabase, recreateDatabase } from "./lib/database.ts";
import { cpuSeconds, loadAverage, round } from "./lib/process-stats.ts";
import { BENCH_ENROLL_TOKEN, BenchServer } from "./lib/server-process.ts";
import { startSim } from "./lib/sim-process.ts";

const DB = "kdw_perf_scale";
const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "900" },
    ramp: { type: "string", default: "60" },
    rate: { type: "string", default: "0.05" },
    measure: { type: "string", default: "40" },
    port: { type: "string", default: "18500" },
    out: { type: "string" },
  },
});

const log = (line: string) =>
  process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function haproxyConfig(port: number, backends: number[]): string {
  return [
    "global",
    "  maxconn 8000",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 120s",
    "  timeout server 120s",
    // an upgraded WebSocket is a tunnel: agents are quiet between heartbeats
    "  timeout tunnel 1h",
    "frontend agents",
    `  bind 127.0.0.1:${port}`,
    "  default_backend kdumpwatch",
    "backend kdumpwatch",
    "  balance leastconn",
    "  option httpchk GET /healthz",
    ...backends.map((p, i) => `  server s${i + 1} 127.0.0.1:${p} check inter 2s`),
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const agents = Number(values.agents);
  const port = Number(values.port);
  const work = join(tmpdir(), "kdw-bench-scale");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const url = await recreateDatabase(DB);
  const servers: BenchServer[] = [];
  let proxy: ChildProcess | null = null;
  const result: Record<string, unknown> = {
    command: `npx tsx bench/scale-out.ts ${process.argv.slice(2).join(" ")}`.trim(),
    agents,
    loadBefore: loadAverage(),
  };
  try {
    const ports = [port + 1, port + 2, port + 3];
    for (const [i, p] of ports.entries()) {
      servers.push(
        await BenchServer.start({
          port: p,
          databaseUrl: url,
          logFile: join(work, `server-${i + 1}.log`),
          env: { KDUMPWATCH_MAX_CONNECTIONS_PER_ADDRESS: "0", KDUMPWATCH_LOG_LEVEL: "warn" },
        }),
      );
    }
    const cfg = join(work, "haproxy.cfg");
    writeFileSync(cfg, haproxyConfig(port, ports));
    proxy = spawn(
      "bash",
      ["-c", 'ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec haproxy -db -f "$0"', cfg],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    await new Promise((r) => setTimeout(r, 3000));
    const cpu0 = servers.map((s) => cpuSeconds(s.pid) ?? 0);
    const sim = startSim(
      [
        "--server",
        `http://127.0.0.1:${port}`,
        "--enroll-token",
        BENCH_ENROLL_TOKEN,
        "--agents",
        String(agents),
        "--ramp",
        String(values.ramp),
        "--change-rate",
        String(values.rate),
        "--interval",
        "3600",
        "--warmup",
        "auto",
        "--measure",
        String(values.measure),
        "--duration",
        "1200",
      ],
      { logFile: join(work, "sim.log") },
    );
    const { result: simResult } = await sim.result;
    const cpu = servers.map((s, i) => round((cpuSeconds(s.pid) ?? 0) - (cpu0[i] ?? 0), 1));
    const admin = await openDatabase({ url, migrate: false, poolSize: 1 });
    try {
      const rows = async (q: ReturnType<typeof sql>) => {
        const res = await admin.db.execute(q);
        return (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Record<string, unknown>[];
      };
      const [dupes] = await rows(sql`select count(*)::int as n from (select fingerprint from alerts
        where resolved_at is null group by fingerprint having count(*) > 1) d`);
      const [open] = await rows(sql`select count(*)::int as n from alerts where resolved_at is null`);
      const [perProcess] = await rows(
        sql`select count(*)::int as n from server_instances where stopped_at is null`,
      );
      const [hostRows] = await rows(sql`select count(*)::int as n from hosts`);
      result.alerts = { open: open?.n, fingerprintsOpenTwice: dupes?.n };
      result.hosts = hostRows?.n;
      result.processesRegistered = perProcess?.n;
    } finally {
      await admin.close();
    }
    result.sim = {
      allAckedAtSec: simResult.allAckedAtSec,
      errors: simResult.errors,
      errorKinds: simResult.errorKinds,
      steady: simResult.steady,
    };
    result.serverCpuSec = cpu;
    result.loadAfter = loadAverage();
    log(JSON.stringify(result));
  } finally {
    proxy?.kill("SIGTERM");
    await Promise.all(servers.map((s) => s.stop()));
    await dropDatabase(DB).catch(() => {});
  }
  printResult(result, values.out);
}

runBench(main);
