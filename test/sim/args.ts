/**
 * Command line of the fleet simulator (`pnpm sim`, test/sim/main.ts). Pure: argv in, options or a
 * message naming the bad flag out.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { VERDICTS, type Verdict } from "@kdumpwatch/core";

type ProgressFormat = "text" | "json" | "none";

export interface SimOptions {
  server: string;
  enrollToken: string;
  agents: number;
  /** seconds; 0 = until SIGINT/SIGTERM */
  durationSec: number;
  /** evidence changes per host per second (each one makes that host send a new snapshot) */
  changeRate: number;
  /** agent restarts per host per second (socket dropped, new client, snapshot sent again) */
  churn: number;
  /** each agent's collection interval, seconds (as `kdumpwatch-agent run --interval`) */
  intervalSec: number;
  workers: number;
  seed: number;
  /** spread the agents' first connections over this many seconds (0 = all at once: a storm) */
  rampSec: number;
  /** acks and latencies in the first seconds are left out of the steady-state figures; "auto": until
   * every agent has had a snapshot acknowledged, plus 5 s */
  warmupSec: number | "auto";
  /** with `--warmup auto`: end the run this many seconds into the steady state (`--duration` caps it) */
  measureSec: number | undefined;
  /** after the run, wait this long at most for every change to be acknowledged */
  drainTimeoutSec: number;
  progress: ProgressFormat;
  progressEverySec: number;
  /** how many 127.0.0.x source addresses to spread the agents over (0 = let the OS choose) */
  sourceAddresses: number;
  captures: string | undefined;
  stateFile: string | undefined;
  mix: Record<Verdict, number>;
  verbose: boolean;
}

export const DEFAULT_MIX: Record<Verdict, number> = {
  ready: 0.7,
  at_risk: 0.14,
  not_ready: 0.11,
  unknown: 0.05,
};

const USAGE = `usage: pnpm sim --server URL --enroll-token T [options]

  --agents N             simulated hosts (default 100)
  --duration S           seconds to run, 0 = until Ctrl-C (default 60)
  --change-rate R        evidence changes per host per second (default 0)
  --churn R              agent restarts per host per second (default 0)
  --interval S           each agent's collection interval (default 60)
  --workers W            worker threads (default: 1 up to 2,000 agents, else one per core, at most 4)
  --seed N               same seed, same fleet (default: random)
  --ramp S               spread the first connections over S seconds (default 0: all at once)
  --warmup S|auto        leave the first S seconds out of the steady-state figures (default 0);
                         auto: until every agent has had a snapshot acked, plus 5 s
  --measure S            with --warmup auto: stop S seconds into the steady state
  --drain-timeout S      at the end, wait at most S seconds for every change to be acked (default 30)
  --progress FMT         text | json | none, on stderr (default text)
  --progress-every S     seconds between progress lines (default 2)
  --source-addresses N   spread agents over N loopback source addresses (default 200 for a
                         loopback server, else 0); the server limits sockets per address
  --captures DIR         capture directories to build hosts from (default test/captures)
  --state-file FILE      keep the fleet's seed and host credentials across runs
  --mix V=W,...          verdict mix (default ready=0.7,at_risk=0.14,not_ready=0.11,unknown=0.05)
  --verbose              print the agents' own log lines

Ends with one JSON line on stdout:
  { agents, connected, snapshotsAcked, ackP50Ms, ackP99Ms, errors, ... }`;

export type ParsedArgs = { ok: true; options: SimOptions } | { ok: false; message: string; help?: boolean };

export function parseSimArgs(argv: string[], random: () => number = Math.random): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: "string" },
        "enroll-token": { type: "string" },
        agents: { type: "string" },
        duration: { type: "string" },
        "change-rate": { type: "string" },
        churn: { type: "string" },
        interval: { type: "string" },
        workers: { type: "string" },
        seed: { type: "string" },
        ramp: { type: "string" },
        warmup: { type: "string" },
        measure: { type: "string" },
        "drain-timeout": { type: "string" },
        progress: { type: "string" },
        "progress-every": { type: "string" },
        "source-addresses": { type: "string" },
        captures: { type: "string" },
        "state-file": { type: "string" },
        mix: { type: "string" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help === true) return { ok: false, message: USAGE, help: true };
  const problems: string[] = [];
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const num = (name: string, fallback: number, min: number, max: number, integer = false): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      problems.push(
        `--${name}: expected ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got "${raw}"`,
      );
      return fallback;
    }
    return n;
  };

  const server = text("server");
  if (server === undefined) problems.push("--server URL is required");
  else if (!/^(https?|wss?):\/\//.test(server))
    problems.push(`--server: expected an http(s):// URL, got "${server}"`);
  const enrollToken = text("enroll-token");
  if (enrollToken === undefined || enrollToken === "") problems.push("--enroll-token T is required");

  const agents = num("agents", 100, 1, 100_000, true);
  const defaultWorkers = agents <= 2000 ? 1 : Math.min(4, Math.max(1, cpus().length));
  const progress = text("progress") ?? "text";
  if (progress !== "text" && progress !== "json" && progress !== "none") {
    problems.push(`--progress: expected text, json or none, got "${progress}"`);
  }
  const loopback = server !== undefined && isLoopbackUrl(server);
  const mix = parseMix(text("mix"), problems);

  const options: SimOptions = {
    server: server ?? "",
    enrollToken: enrollToken ?? "",
    agents,
    durationSec: num("duration", 60, 0, 7 * 86_400),
    changeRate: num("change-rate", 0, 0, 100),
    churn: num("churn", 0, 0, 10),
    intervalSec: num("interval", 60, 1, 86_400),
    workers: num("workers", defaultWorkers, 1, 32, true),
    seed: num("seed", Math.floor(random() * 2 ** 31), 0, 2 ** 32 - 1, true),
    rampSec: num("ramp", 0, 0, 3600),
    warmupSec: text("warmup") === "auto" ? "auto" : num("warmup", 0, 0, 86_400),
    measureSec: text("measure") === undefined ? undefined : num("measure", 60, 1, 86_400),
    drainTimeoutSec: num("drain-timeout", 30, 0, 3600),
    progress: progress as ProgressFormat,
    progressEverySec: num("progress-every", 2, 0.2, 3600),
    sourceAddresses: num("source-addresses", loopback ? 200 : 0, 0, 250, true),
    captures: text("captures"),
    stateFile: text("state-file"),
    mix,
    verbose: values.verbose === true,
  };
  if (problems.length > 0) return { ok: false, message: `${problems.join("\n")}\n\n${USAGE}` };
  return { ok: true, options };
}

function parseMix(raw: string | undefined, problems: string[]): Record<Verdict, number> {
  if (raw === undefined) return { ...DEFAULT_MIX };
  const mix: Record<Verdict, number> = { ready: 0, at_risk: 0, not_ready: 0, unknown: 0 };
  for (const part of raw.split(",")) {
    const [name, weight] = part.split("=");
    const w = Number(weight);
    if (!(VERDICTS as readonly string[]).includes(name ?? "") || !Number.isFinite(w) || w < 0) {
      problems.push(`--mix: expected verdict=weight pairs (${VERDICTS.join(", ")}), got "${part}"`);
      continue;
    }
    mix[name as Verdict] = w;
  }
  if (Object.values(mix).every((w) => w === 0)) problems.push("--mix: at least one weight must be above 0");
  return mix;
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
