/**
 * CPU and memory of processes, read from /proc (Linux only, like the reference machine): a sampler
 * that follows one pid (the server) or a set found by name (PostgreSQL's backends), and reports
 * CPU seconds, average CPU % over a window and peak RSS.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/**
 * user + system CPU seconds of a process (its own threads; not its children), or of one of its
 * threads (`tid`; the main thread's is the pid).
 */
export function cpuSeconds(pid: number, tid?: number): number | null {
  try {
    const stat = readFileSync(
      tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
      "utf8",
    );
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[11], fields[12] = utime, stime (man 5 proc, numbered from field 3)
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident set size now and its peak (VmHWM), in MiB. */
function memoryMiB(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) =>
      Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"))?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

/** Pids whose command name (comm) is exactly `name`, e.g. "postgres" for every backend. */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds of every process named `name` (live ones only: exited backends' time is lost). */
export function cpuSecondsOfNamed(name: string): number {
  return pidsNamed(name).reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
}

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = readFileSync("/proc/loadavg", "utf8").split(" ").map(Number);
  return [a, b, c];
}

/** Machine-wide busy CPU seconds (all processes, all cores) from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, ...values] = line.trim().split(/\s+/);
  const n = values.map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = (n[0] ?? 0) + (n[1] ?? 0) + (n[2] ?? 0) + (n[5] ?? 0) + (n[6] ?? 0) + (n[7] ?? 0);
  return busy / CLK_TCK;
}

export interface UsageWindow {
  seconds: number;
  cpuSeconds: number;
  /** % of one core */
  cpuPercent: number;
  rssPeakMiB: number;
  rssEndMiB: number;
}

/** Samples a pid every `everyMs` for RSS peaks; CPU is the difference between start and stop. */
export class UsageSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  readonly #startedAt = performance.now();
  readonly #cpuAtStart: number;
  #rssPeak = 0;
  #rssLast = 0;
  /** the last CPU reading: after the process has exited /proc no longer has it */
  #cpuLast: number;

  constructor(pid: number, everyMs = 500) {
    this.#pid = pid;
    this.#cpuAtStart = cpuSeconds(pid) ?? 0;
    this.#cpuLast = this.#cpuAtStart;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), everyMs);
    this.#timer.unref();
  }

  #sample(): void {
    const cpu = cpuSeconds(this.#pid);
    if (cpu !== null) this.#cpuLast = cpu;
    const m = memoryMiB(this.#pid);
    if (m === null) return;
    this.#rssLast = m.rss;
    if (m.rss > this.#rssPeak) this.#rssPeak = m.rss;
  }

  /** The figures so far (the sampler keeps running until `stop`). */
  read(): UsageWindow {
    this.#sample();
    const seconds = (performance.now() - this.#startedAt) / 1000;
    const cpu = this.#cpuLast - this.#cpuAtStart;
    return {
      seconds: round(seconds),
      cpuSeconds: round(cpu),
      cpuPercent: round(seconds > 0 ? (cpu / seconds) * 100 : 0),
      rssPeakMiB: Math.round(this.#rssPeak),
      rssEndMiB: Math.round(this.#rssLast),
    };
  }

  stop(): UsageWindow {
    const w = this.read();
    clearInterval(this.#timer);
    return w;
  }
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** CPU µs (user + system) of this process per call of `fn`: the best of `runs` runs of `reps` calls each. */
export function cpuMicrosPerCall(fn: () => unknown, { runs, reps }: { runs: number; reps: number }): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const start = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / reps);
  }
  return best;
}
