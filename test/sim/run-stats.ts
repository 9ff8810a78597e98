/**
 * The simulator's figures, summed over its workers: totals for the final JSON line, a window for
 * each progress line, steady-state figures after the warm-up, and the moment every host had its
 * first snapshot acknowledged (the end of a connect storm).
 */
import type { WorkerToMain } from "./messages.ts";
import type { WorkerCounters } from "./probe.ts";

type Stats = Extract<WorkerToMain, { type: "stats" }>;

export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

const round = (n: number | null, digits = 1) => (n === null ? null : Number(n.toFixed(digits)));

function sortedCopy(chunks: Float64Array[]): Float64Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all.sort();
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [k, v] of Object.entries(source)) target[k] = (target[k] ?? 0) + v;
}

export interface ProgressWindow {
  t: number;
  connected: number;
  everAcked: number;
  sent: number;
  acked: number;
  ackedPerSec: number;
  handshakesPerSec: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  changes: number;
  restarts: number;
  disconnects: number;
  errors: number;
  /** this window is part of the steady-state figures */
  steady: boolean;
}

export class RunStats {
  readonly agents: number;
  readonly #gauges = new Map<
    number,
    Pick<Stats, "connected" | "everAcked" | "changes" | "restarts" | "logErrors">
  >();
  readonly #all: Float64Array[] = [];
  readonly #steady: Float64Array[] = [];
  #steadyAcked = 0;
  #steadyFromSec: number | null = null;
  /** acks reported from this moment on are steady-state (null: not yet known, `--warmup auto`) */
  #steadyOpenAt: number | null = null;
  #steadyToSec: number | null = null;
  #steadyClosed = false;
  #lastAtSec = 0;
  #window: Float64Array[] = [];
  #windowFrom = 0;
  #windowAcked = 0;
  #windowHandshakes = 0;
  #windowSent = 0;
  /** handshakes per whole second of the run, for the peak rate */
  readonly #handshakesBySecond = new Map<number, number>();
  allAckedAtSec: number | null = null;
  readonly totals = {
    snapshotsSent: 0,
    snapshotsAcked: 0,
    handshakes: 0,
    disconnects: 0,
    connectFailures: 0,
    errorFrames: 0,
    retryFrames: 0,
    refusedUpgrades: {} as Record<string, number>,
    rejectedCloses: {} as Record<string, number>,
  };

  constructor(agents: number) {
    this.agents = agents;
  }

  /** The steady state begins at `atSec` (after a fixed warm-up, or once every agent is acked). */
  openSteady(atSec: number): void {
    this.#steadyOpenAt = atSec;
  }

  get steadyOpenAt(): number | null {
    return this.#steadyOpenAt;
  }

  #inSteady(atSec: number): boolean {
    return this.#steadyOpenAt !== null && atSec >= this.#steadyOpenAt && !this.#steadyClosed;
  }

  add(stats: Stats, atSec: number): void {
    const c: WorkerCounters = stats.counters;
    const t = this.totals;
    t.snapshotsSent += c.snapshotsSent;
    t.snapshotsAcked += c.snapshotsAcked;
    t.handshakes += c.handshakes;
    t.disconnects += c.disconnects;
    t.connectFailures += c.connectFailures;
    t.errorFrames += c.errorFrames;
    t.retryFrames += c.retryFrames;
    addInto(t.refusedUpgrades, c.refusedUpgrades);
    addInto(t.rejectedCloses, c.rejectedCloses);
    const latencies = Float64Array.from(c.latenciesMs);
    this.#all.push(latencies);
    this.#window.push(latencies);
    this.#windowAcked += c.snapshotsAcked;
    this.#windowSent += c.snapshotsSent;
    this.#windowHandshakes += c.handshakes;
    const second = Math.floor(atSec);
    this.#handshakesBySecond.set(second, (this.#handshakesBySecond.get(second) ?? 0) + c.handshakes);
    if (this.#inSteady(atSec)) {
      this.#steadyFromSec ??= atSec;
      this.#steady.push(latencies);
      this.#steadyAcked += c.snapshotsAcked;
    }
    this.#lastAtSec = atSec;
    this.#gauges.set(stats.workerIndex, {
      connected: stats.connected,
      everAcked: stats.everAcked,
      changes: stats.changes,
      restarts: stats.restarts,
      logErrors: stats.logErrors,
    });
    if (this.allAckedAtSec === null && this.gauge("everAcked") >= this.agents) this.allAckedAtSec = atSec;
  }

  gauge(name: "connected" | "everAcked" | "changes" | "restarts"): number {
    let n = 0;
    for (const g of this.#gauges.values()) n += g[name];
    return n;
  }

  logErrors(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const g of this.#gauges.values()) addInto(out, g.logErrors);
    return out;
  }

  /** Everything that went wrong: server error frames, rejections, refused upgrades other than 503 shedding, agent-side timeouts and errors. */
  errorKinds(): Record<string, number> {
    const t = this.totals;
    const kinds: Record<string, number> = {};
    if (t.errorFrames > 0) kinds["server error frame"] = t.errorFrames;
    for (const [code, n] of Object.entries(t.rejectedCloses)) kinds[`closed with ${code}`] = n;
    for (const [status, n] of Object.entries(t.refusedUpgrades)) {
      if (status !== "503") kinds[`upgrade refused with HTTP ${status}`] = n;
    }
    addInto(kinds, this.logErrors());
    return kinds;
  }

  errors(): number {
    return Object.values(this.errorKinds()).reduce((a, b) => a + b, 0);
  }

  /** The steady state ends with the run proper (the drain that follows is not steady). */
  closeSteady(atSec: number): void {
    this.#steadyClosed = true;
    this.#steadyToSec = atSec;
  }

  /** The figures since the previous call. */
  window(atSec: number): ProgressWindow {
    const span = Math.max(atSec - this.#windowFrom, 0.001);
    const sorted = sortedCopy(this.#window);
    const w: ProgressWindow = {
      t: round(atSec) ?? 0,
      connected: this.gauge("connected"),
      everAcked: this.gauge("everAcked"),
      sent: this.#windowSent,
      acked: this.#windowAcked,
      ackedPerSec: Math.round(this.#windowAcked / span),
      handshakesPerSec: Math.round(this.#windowHandshakes / span),
      ackP50Ms: round(percentile(sorted, 50)),
      ackP99Ms: round(percentile(sorted, 99)),
      changes: this.gauge("changes"),
      restarts: this.gauge("restarts"),
      disconnects: this.totals.disconnects,
      errors: this.errors(),
      steady: this.#inSteady(atSec),
    };
    this.#window = [];
    this.#windowFrom = atSec;
    this.#windowAcked = 0;
    this.#windowSent = 0;
    this.#windowHandshakes = 0;
    return w;
  }

  summary() {
    const all = sortedCopy(this.#all);
    const steady = sortedCopy(this.#steady);
    // each report covers the second before it, hence + 1
    const steadyTo = this.#steadyToSec ?? this.#lastAtSec;
    const steadySpan = this.#steadyFromSec === null ? 0 : steadyTo - this.#steadyFromSec + 1;
    return {
      ackP50Ms: round(percentile(all, 50)),
      ackP99Ms: round(percentile(all, 99)),
      ackMaxMs: round(all.length === 0 ? null : (all[all.length - 1] ?? null)),
      peakHandshakesPerSec: Math.max(0, ...this.#handshakesBySecond.values()),
      steady: {
        fromSec: this.#steadyOpenAt,
        seconds: round(steadySpan),
        acked: this.#steadyAcked,
        ackedPerSec: steadySpan > 0 ? Math.round(this.#steadyAcked / steadySpan) : null,
        ackP50Ms: round(percentile(steady, 50)),
        ackP95Ms: round(percentile(steady, 95)),
        ackP99Ms: round(percentile(steady, 99)),
      },
    };
  }
}
