import { ConfigError } from "./config.ts";

/** Time comes in through this (house-style §10), so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string = "2026-11-26T10:00:00.000Z") {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }
  set(at: Date | string): void {
    this.#ms = new Date(at).getTime();
  }
}

/**
 * The system clock plus an offset that only grows: a server started with KDUMPWATCH_TEST_CLOCK
 * (end-to-end tests, routes/test-clock.ts) keeps real time flowing — sessions, leases and retries
 * behave as in production — while a test jumps over a stale threshold or a group wait at once.
 */
export class SteppedClock implements Clock {
  #offsetMs: number;
  constructor(aheadSeconds = 0) {
    this.#offsetMs = aheadSeconds * 1000;
  }
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  /** Moves it forward; never back, since stored times (beats, leases) must not run backwards. */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`a test clock only moves forward (got ${seconds} s)`);
    this.#offsetMs += seconds * 1000;
  }
}

/**
 * The clock a server process runs on. Production reads the system clock; KDUMPWATCH_TEST_CLOCK,
 * read here only and not an operator setting (docs/testing.md), makes it a SteppedClock that
 * end-to-end tests move through POST /api/test/clock (routes/test-clock.ts): `stepped`, or
 * `stepped+N` to start N seconds ahead (a restart "after" an outage the test did not sit through).
 */
export function clockFromEnv(env: Record<string, string | undefined>): {
  clock: Clock;
  stepped: SteppedClock | null;
} {
  const value = env.KDUMPWATCH_TEST_CLOCK;
  if (value === undefined || value === "") return { clock: systemClock, stepped: null };
  const m = /^stepped(?:\+(\d{1,9}(?:\.\d{1,3})?))?$/.exec(value);
  if (!m) {
    throw new ConfigError([`KDUMPWATCH_TEST_CLOCK: "${value}" is not "stepped" or "stepped+SECONDS"`]);
  }
  const stepped = new SteppedClock(m[1] === undefined ? 0 : Number(m[1]));
  return { clock: stepped, stepped };
}
