/**
 * Admission control (issue 13): under a storm the server takes in what it can finish in time and
 * tells the rest at once when to come back, instead of letting every agent wait into its 20 s
 * handshake timeout and come back to redo the work. The unit of work is a hello (authentication,
 * enrollment) or a snapshot (judge + commit); the server measures how many it completes per
 * second and admits a new session while the work in flight would finish within `withinMs`.
 * A deferred agent gets `retry` with its own slot: slots are handed out one after another at the
 * measured rate, so a deferred crowd comes back spread out at the pace the server drains it
 * (the agent adds a little jitter on top, apps/agent backoff.ts).
 */
export interface Admission {
  /** null: admitted; otherwise milliseconds after which the agent should try again */
  admit(): number | null;
  /** a unit of work begins; call the returned function once it is done (committed or failed) */
  begin(): () => void;
  readonly inFlight: number;
  /** completions per second over the last few seconds */
  readonly rate: number;
}

export interface AdmissionOptions {
  /** work in flight must be done within this many ms (well inside the agent's 20 s handshake timeout) */
  withinMs: number;
  /** always admitted while fewer than this many units are in flight (before a rate is known) */
  minInFlight: number;
  now?: () => number;
}

const WINDOW_SEC = 5;
/** a hello is followed by its snapshot: an admitted session is about two units */
const UNITS_PER_SESSION = 2;
const MIN_HINT_MS = 1_000;
/**
 * Coming back too early costs a deferral (a hello parsed and answered, no database work); coming
 * back too late leaves the server idle. So the pace assumed is at least this many units a second
 * (right after a start the measured rate says nothing yet), and no hint is longer than a minute.
 */
const MIN_DRAIN_PER_SEC = 50;
const MAX_HINT_MS = 60_000;

export function createAdmission(options: AdmissionOptions): Admission {
  const now = options.now ?? Date.now;
  const buckets = new Array<number>(WINDOW_SEC).fill(0);
  let bucketSec = Math.floor(now() / 1000);
  let inFlight = 0;
  let nextSlotAt = 0;

  function roll(): void {
    const sec = Math.floor(now() / 1000);
    for (let s = bucketSec + 1; s <= sec && s <= bucketSec + WINDOW_SEC; s++) buckets[s % WINDOW_SEC] = 0;
    bucketSec = Math.max(bucketSec, sec);
  }

  function rate(): number {
    roll();
    return buckets.reduce((a, b) => a + b, 0) / WINDOW_SEC;
  }

  return {
    admit() {
      const perSec = rate();
      const capacity = Math.max(options.minInFlight, (perSec * options.withinMs) / 1000);
      if (inFlight < capacity) return null;
      const drainRate = Math.max(perSec, MIN_DRAIN_PER_SEC);
      const t = now();
      // after the work already in flight, then one slot per deferred session (the cursor never
      // runs further ahead than the longest hint: deferred agents come back and are slotted again)
      nextSlotAt = Math.min(Math.max(nextSlotAt, t + (inFlight / drainRate) * 1000), t + MAX_HINT_MS);
      const hint = nextSlotAt - t;
      nextSlotAt += (UNITS_PER_SESSION / drainRate) * 1000;
      return Math.round(Math.min(Math.max(hint, MIN_HINT_MS), MAX_HINT_MS));
    },
    begin() {
      inFlight++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        inFlight--;
        roll();
        buckets[bucketSec % WINDOW_SEC] = (buckets[bucketSec % WINDOW_SEC] ?? 0) + 1;
      };
    },
    get inFlight() {
      return inFlight;
    },
    get rate() {
      return rate();
    },
  };
}
