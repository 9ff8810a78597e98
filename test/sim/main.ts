/**
 * The fleet simulator: `pnpm sim --server URL --enroll-token T --agents N --duration S
 * [--change-rate R] [--churn R] …` (see args.ts). N distinct hosts, built from the capture
 * directories and varied per host, each speaking wire protocol v1 through the agent's own client,
 * spread over worker threads. Progress goes to stderr; the last line on stdout is one JSON object:
 *   { agents, connected, snapshotsAcked, ackP50Ms, ackP99Ms, errors, … }
 * `--duration 0` runs until SIGINT/SIGTERM (the `--demo` fleet of scripts/start.mjs).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { type Credential, deriveWsUrl } from "@kdumpwatch/agent";
import type { Verdict } from "@kdumpwatch/core";
import { parseSimArgs, type SimOptions } from "./args.ts";
import type { MainToWorker, WorkerInput, WorkerToMain } from "./messages.ts";
import { type ProgressWindow, RunStats } from "./run-stats.ts";
import { loadTemplates, type Template } from "./templates.ts";

/**
 * Worker threads do not inherit tsx's loader on Node 20 (ERR_UNKNOWN_FILE_EXTENSION for a .ts
 * entry), so each one registers it before importing worker.ts.
 */
const WORKER_BOOTSTRAP = `
  import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL("./worker.ts", import.meta.url).href)}); })
    .catch((err) => { throw err; });
`;

const EXIT_USAGE = 64;
/** `--warmup auto`: seconds after the last agent's first ack before the steady state begins */
const AUTO_WARMUP_EXTRA_SEC = 5;
const EXIT_SOFTWARE = 70;

interface StateFile {
  seed: number;
  credentials: (Credential | null)[];
}

function readStateFile(path: string | undefined): StateFile | null {
  if (path === undefined || !existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<StateFile>;
  if (typeof parsed.seed !== "number" || !Array.isArray(parsed.credentials)) {
    throw new Error(`${path} is not a simulator state file`);
  }
  return { seed: parsed.seed, credentials: parsed.credentials };
}

function writeStateFile(path: string, state: StateFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function formatProgress(w: ProgressWindow, agents: number): string {
  const ms = (n: number | null) => (n === null ? "-" : `${Math.round(n)}ms`);
  return [
    `sim ${w.t.toFixed(1).padStart(7)}s`,
    `connected ${w.connected}/${agents}`,
    `first-acked ${w.everAcked}/${agents}`,
    `acked ${w.ackedPerSec}/s`,
    `ack p50 ${ms(w.ackP50Ms)} p99 ${ms(w.ackP99Ms)}`,
    `handshakes ${w.handshakesPerSec}/s`,
    `changes ${w.changes}`,
    w.restarts > 0 ? `restarts ${w.restarts}` : "",
    `disconnects ${w.disconnects}`,
    `errors ${w.errors}`,
  ]
    .filter(Boolean)
    .join("  ");
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseSimArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return parsed.help ? 0 : EXIT_USAGE;
  }
  const options: SimOptions = parsed.options;
  const wsUrl = deriveWsUrl(options.server);
  if (wsUrl === null) {
    process.stderr.write(`--server: "${options.server}" is not an http(s):// URL\n`);
    return EXIT_USAGE;
  }
  const state = readStateFile(options.stateFile);
  const seed = argv.includes("--seed") || state === null ? options.seed : state.seed;
  const capturesDir = resolve(options.captures ?? resolve(import.meta.dirname, "../captures"));
  const say = (line: string) => {
    if (options.progress !== "none") process.stderr.write(`${line}\n`);
  };

  const templates: Template[] = await loadTemplates(capturesDir);
  for (const t of templates) {
    const base = t.variants[0];
    if (base && base.verdict !== t.expected) {
      say(
        `sim: warning: core judges capture ${t.name} ${base.verdict}, its expected.json says ${t.expected}`,
      );
    }
  }
  const variants = templates.reduce((n, t) => n + t.variants.length, 0);
  say(
    `sim: ${options.agents} agents from ${templates.length} captures (${variants} variants), ` +
      `${options.workers} worker(s), seed ${seed}, server ${wsUrl}`,
  );

  const stats = new RunStats(options.agents);
  if (options.warmupSec !== "auto") stats.openSteady(options.warmupSec);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const workers: Worker[] = [];
  const drained = new Map<number, number>();
  const stopped = new Map<number, Extract<WorkerToMain, { type: "stopped" }>>();
  let fatal: string | null = null;
  let wake: () => void = () => {};
  const changed = () => wake();

  const per = Math.ceil(options.agents / options.workers);
  for (let w = 0; w < options.workers; w++) {
    const first = w * per;
    const count = Math.min(per, options.agents - first);
    if (count <= 0) break;
    const input: WorkerInput = {
      workerIndex: w,
      first,
      count,
      seed,
      templates,
      mix: options.mix,
      wsUrl,
      enrollToken: options.enrollToken,
      changeRate: options.changeRate,
      churn: options.churn,
      intervalSec: options.intervalSec,
      rampSec: options.rampSec,
      sourceAddresses: options.sourceAddresses,
      verbose: options.verbose,
      credentials: state?.credentials.slice(first, first + count) ?? [],
    };
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: input });
    worker.on("message", (message: WorkerToMain) => {
      if (message.type === "stats") stats.add(message, elapsed());
      else if (message.type === "drained") drained.set(message.workerIndex, message.unsettled);
      else if (message.type === "stopped") stopped.set(message.workerIndex, message);
      else if (message.type === "fatal") fatal = message.message;
      changed();
    });
    worker.on("error", (err) => {
      fatal = err.stack ?? err.message;
      changed();
    });
    workers.push(worker);
  }
  const broadcast = (message: MainToWorker) => {
    for (const w of workers) w.postMessage(message);
  };
  const waitFor = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done() && fatal === null && Date.now() < deadline) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 250);
      });
    }
  };

  const progress = setInterval(() => {
    const w = stats.window(elapsed());
    if (options.progress === "json") process.stderr.write(`${JSON.stringify({ progress: w })}\n`);
    else if (options.progress === "text") process.stderr.write(`${formatProgress(w, options.agents)}\n`);
  }, options.progressEverySec * 1000);

  // run until the duration is over, a signal arrives, or a worker fails
  let signalled = false;
  await new Promise<void>((resolveRun) => {
    const stop = () => {
      if (signalled) {
        process.stderr.write("sim: second signal, exiting at once\n");
        process.exit(130);
      }
      signalled = true;
      resolveRun();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (options.durationSec > 0) setTimeout(resolveRun, options.durationSec * 1000).unref();
    const watch = setInterval(() => {
      if (fatal !== null) resolveRun();
      const t = elapsed();
      // --warmup auto: the steady state begins once the whole fleet has been heard from
      if (options.warmupSec === "auto" && stats.steadyOpenAt === null && stats.allAckedAtSec !== null) {
        if (t >= stats.allAckedAtSec + AUTO_WARMUP_EXTRA_SEC) stats.openSteady(t);
      }
      const open = stats.steadyOpenAt;
      if (options.measureSec !== undefined && open !== null && t >= open + options.measureSec) resolveRun();
    }, 250);
    watch.unref();
  });

  const runSec = elapsed();
  stats.closeSteady(runSec);
  if (fatal === null) {
    const drainTimeoutMs =
      (signalled ? Math.min(options.drainTimeoutSec, 5) : options.drainTimeoutSec) * 1000;
    say(
      `sim: ${signalled ? "signal received" : "duration over"}, draining (up to ${drainTimeoutMs / 1000} s)`,
    );
    broadcast({ type: "drain", timeoutMs: drainTimeoutMs });
    await waitFor(() => drained.size === workers.length, drainTimeoutMs + 5000);
  }
  // as the run ended, before the agents close their own sockets
  const connected = stats.gauge("connected");
  const { disconnects, connectFailures } = stats.totals;
  broadcast({ type: "stop" });
  await waitFor(() => stopped.size === workers.length, 10_000);
  clearInterval(progress);
  await Promise.all(workers.map((w) => w.terminate()));

  const verdicts: Record<Verdict, number> = { ready: 0, at_risk: 0, not_ready: 0, unknown: 0 };
  const byTemplate: Record<string, number> = {};
  const credentials: (Credential | null)[] = [];
  for (const [, s] of [...stopped.entries()].sort((a, b) => a[0] - b[0])) {
    for (const v of Object.keys(verdicts) as Verdict[]) verdicts[v] += s.verdicts[v];
    for (const [name, n] of Object.entries(s.templates)) byTemplate[name] = (byTemplate[name] ?? 0) + n;
    credentials.push(...s.credentials);
  }
  if (options.stateFile !== undefined && credentials.length === options.agents) {
    writeStateFile(options.stateFile, { seed, credentials });
  }
  const unsettled = fatal === null ? [...drained.values()].reduce((a, b) => a + b, 0) : options.agents;
  const summary = stats.summary();
  const result = {
    agents: options.agents,
    connected,
    snapshotsAcked: stats.totals.snapshotsAcked,
    ackP50Ms: summary.ackP50Ms,
    ackP99Ms: summary.ackP99Ms,
    errors: stats.errors(),
    durationSec: Number(runSec.toFixed(1)),
    snapshotsSent: stats.totals.snapshotsSent,
    ackMaxMs: summary.ackMaxMs,
    allAckedAtSec: stats.allAckedAtSec === null ? null : Number(stats.allAckedAtSec.toFixed(1)),
    handshakes: stats.totals.handshakes,
    peakHandshakesPerSec: summary.peakHandshakesPerSec,
    changes: stats.gauge("changes"),
    restarts: stats.gauge("restarts"),
    disconnects,
    connectFailures,
    refusedUpgrades: stats.totals.refusedUpgrades,
    errorKinds: stats.errorKinds(),
    steady: summary.steady,
    /** every host's current verdict; the server holds exactly these when `unsettled` is 0 */
    verdicts,
    unsettled,
    templates: byTemplate,
    seed,
    workers: workers.length,
    ...(fatal === null ? {} : { fatal }),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (fatal !== null) return EXIT_SOFTWARE;
  return result.snapshotsAcked > 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(EXIT_SOFTWARE);
  },
);
