/**
 * `pnpm bench`: runs the benchmark scenarios one at a time against the REAL built server
 * (apps/server/dist) and the fleet simulator, stores each result in test/bench/results/<name>.json
 * and rewrites the measured part of BENCHMARKS.md after each one.
 *
 *   pnpm bench [--only storm-pglite,storm-postgres,sustained,reconnect,read-postgres,agent,...]
 *              [--agents 10000] [--read-hosts 100000] [--rates 0.1,0.2,0.3]
 *              [--measure 60] [--stale-after 180] [--ramp 120] [--port 18480] [--report-only] [--keep]
 *
 * Scenarios (default order): storm-pglite, storm-postgres, enroll, sustained, reconnect,
 * reconnect-outage, read-postgres, agent, agent-live, dashboard-paint, alert-latency. `read-pglite`
 * runs only when named. sustained and reconnect* reuse the fleet that `enroll` enrolls (ramped). Everything targets 127.0.0.1 and the
 * benchmark's own databases (kdw_perf, kdw_perf_read), dropped at the end unless --keep.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DATABASE, dropDatabase } from "./lib/database.ts";
import { describeMachine } from "./lib/machine.ts";
import { writeReport } from "./report.ts";
import { connectStorm } from "./scenarios/connect-storm.ts";
import { type BenchContext, RESULTS_DIR, recordScenario } from "./scenarios/context.ts";
import { enrollFleet } from "./scenarios/enroll-fleet.ts";
import { EXTERNAL_BENCHES, type ExternalBench, runExternal } from "./scenarios/external.ts";
import { readPath } from "./scenarios/read-path.ts";
import { reconnectStorm } from "./scenarios/reconnect-storm.ts";
import { sustainedIngest } from "./scenarios/sustained-ingest.ts";

const ALL = [
  "storm-pglite",
  "storm-postgres",
  "enroll",
  "sustained",
  "reconnect",
  "reconnect-outage",
  "read-postgres",
  "agent",
  "agent-live",
  "dashboard-paint",
  "alert-latency",
] as const;
const OPTIONAL = ["read-pglite"] as const;
type Scenario = (typeof ALL)[number] | (typeof OPTIONAL)[number];

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    agents: { type: "string", default: "10000" },
    "read-hosts": { type: "string", default: "100000" },
    rates: { type: "string", default: "0.1,0.2,0.3" },
    measure: { type: "string", default: "60" },
    "stale-after": { type: "string", default: "180" },
    /** seconds over which the `enroll` scenario spreads the fleet's first connections */
    ramp: { type: "string", default: "120" },
    port: { type: "string", default: "18480" },
    "report-only": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    /** measure the read path on the fleet a previous `--keep` run seeded (no new seeding) */
    "reuse-read": { type: "boolean", default: false },
  },
});

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<number> {
  if (values["report-only"]) {
    writeReport();
    log("BENCHMARKS.md rewritten from test/bench/results");
    return 0;
  }
  const known = new Set<string>([...ALL, ...OPTIONAL]);
  const chosen = (values.only?.split(",").filter(Boolean) ?? [...ALL]) as Scenario[];
  const unknown = chosen.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    log(`unknown scenario(s): ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
    return 64;
  }
  // a fixed place, so that `--only sustained` after `--only storm-postgres --keep` finds the fleet
  const workDir = join(tmpdir(), "kdw-bench");
  mkdirSync(workDir, { recursive: true });
  const ctx: BenchContext = {
    agents: Number(values.agents),
    readHosts: Number(values["read-hosts"]),
    workDir,
    port: Number(values.port),
    log,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "machine.json"), `${JSON.stringify(await describeMachine(), null, 2)}\n`);
  log(`work dir ${workDir}; scenarios: ${chosen.join(", ")}`);
  const command = (name: string, extra = "") =>
    `pnpm bench --only ${name} --agents ${ctx.agents}${extra}`.replace(/ +$/, "");
  let failures = 0;
  for (const name of chosen) {
    log(`=== ${name}`);
    try {
      switch (name) {
        case "storm-pglite":
        case "storm-postgres": {
          const driver = name === "storm-pglite" ? "pglite" : "postgres";
          await recordScenario(name, command(name), () => connectStorm(ctx, driver));
          break;
        }
        case "enroll":
          await recordScenario(name, command(name, ` --ramp ${values.ramp}`), () =>
            enrollFleet(ctx, Number(values.ramp)),
          );
          break;
        case "sustained": {
          const rates = (values.rates ?? "")
            .split(",")
            .map(Number)
            .filter((r) => r > 0);
          const measure = Number(values.measure);
          await recordScenario(name, command(name, ` --rates ${rates.join(",")} --measure ${measure}`), () =>
            sustainedIngest(ctx, {
              rates,
              measureSec: measure,
              rampSec: Number(values.ramp),
              // a fleet that has not settled 3 minutes after its ramp never will at this rate
              maxSec: Number(values.ramp) + measure + 180,
            }),
          );
          break;
        }
        case "reconnect":
          await recordScenario(name, command(name, ` --stale-after ${values["stale-after"]}`), () =>
            reconnectStorm(ctx, Number(values["stale-after"]), 0, Number(values.ramp)),
          );
          break;
        case "reconnect-outage": {
          // down for longer than the stale threshold: downtime must not make anything stale
          const staleAfter = Number(values["stale-after"]);
          await recordScenario(name, command(name, ` --stale-after ${staleAfter}`), () =>
            reconnectStorm(ctx, staleAfter, staleAfter + 30, Number(values.ramp)),
          );
          break;
        }
        case "read-postgres":
        case "read-pglite": {
          const driver = name === "read-postgres" ? "postgres" : "pglite";
          await recordScenario(name, `pnpm bench --only ${name} --read-hosts ${ctx.readHosts}`, () =>
            readPath(ctx, driver, { reuse: values["reuse-read"] }),
          );
          break;
        }
        default: {
          const ext = name as ExternalBench;
          const spec = EXTERNAL_BENCHES[ext];
          await recordScenario(name, `npx tsx test/${spec.file} ${spec.args.join(" ")}`.trim(), () =>
            runExternal(ctx, ext),
          );
        }
      }
    } catch (err) {
      failures++;
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    writeReport();
  }
  if (!values.keep) {
    await dropDatabase(BENCH_DATABASE).catch(() => {});
    await dropDatabase(`${BENCH_DATABASE}_read`).catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  } else {
    log(`kept ${workDir} and the kdw_perf databases`);
  }
  log(`done; BENCHMARKS.md rewritten${failures ? `; ${failures} scenario(s) failed` : ""}`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(70);
  },
);
