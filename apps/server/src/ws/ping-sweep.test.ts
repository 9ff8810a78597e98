import { describe, expect, test } from "vitest";
import { PING_EVERY_MS, PingSweep, PONG_WITHIN_SWEEPS, SWEEP_EVERY_MS } from "./ping-sweep.ts";

class FakeSocket {
  pings: number[] = [];
  terminatedAt: number | null = null;
  now = 0;
  /** answers a ping at once (a live peer) */
  answers = true;
  constructor(readonly sweep: PingSweep<FakeSocket>) {}
  ping() {
    this.pings.push(this.now);
    if (this.answers) this.sweep.heard(this, this.now);
  }
  terminate() {
    this.terminatedAt = this.now;
  }
}

/**
 * Runs sweeps every SWEEP_EVERY_MS from 0 to `untilMs`; `frames(t)` says whether the peer sends
 * something at second t (checked every second, before a sweep at the same second).
 */
function run(
  untilMs: number,
  frames: (t: number) => boolean,
  options: { answers?: boolean; openedAt?: number } = {},
) {
  const sweep = new PingSweep<FakeSocket>();
  const s = new FakeSocket(sweep);
  s.answers = options.answers ?? true;
  sweep.opened(s, options.openedAt ?? 0);
  for (let t = 1000; t <= untilMs && s.terminatedAt === null; t += 1000) {
    s.now = t;
    if (frames(t)) sweep.heard(s, t);
    if (t % SWEEP_EVERY_MS === 0) sweep.sweep(t);
  }
  return s;
}

describe("ping sweep", () => {
  test("an agent that pings every 30 s itself is never pinged and never terminated", () => {
    for (let phase = 1; phase < 30; phase += 1) {
      const s = run(600_000, (t) => t / 1000 >= phase && (t / 1000 - phase) % 30 === 0);
      expect(s.pings, `frames at ${phase} s + 30 s × n`).toEqual([]);
      expect(s.terminatedAt).toBeNull();
    }
  });

  test("a live peer that only answers pings (no frames of its own) is pinged about every 30–40 s and kept", () => {
    const s = run(600_000, () => false);
    expect(s.terminatedAt).toBeNull();
    expect(s.pings.length).toBeGreaterThanOrEqual(600 / 40);
    expect(s.pings.length).toBeLessThanOrEqual(600 / 30);
    for (let i = 1; i < s.pings.length; i++) {
      expect((s.pings[i] ?? 0) - (s.pings[i - 1] ?? 0)).toBeGreaterThanOrEqual(PING_EVERY_MS);
    }
  });

  test("a dead socket is terminated within 60 s of its last frame, whatever the phase (as with the 30 s sweep)", () => {
    for (let last = 1; last <= 40; last++) {
      const lastMs = last * 1000;
      const s = run(300_000, (t) => t <= lastMs && t % 5000 === 0, { answers: false });
      // its last frame: the last multiple of 5 s not after `last` (or the open at 0)
      const heardAt = Math.floor(lastMs / 5000) * 5000;
      expect(s.terminatedAt, `last frame at ${heardAt} ms`).not.toBeNull();
      expect((s.terminatedAt ?? 0) - heardAt, `last frame at ${heardAt} ms`).toBeLessThanOrEqual(60_000);
      expect(s.pings, "pinged once before it is given up").toHaveLength(1);
    }
  });

  test("a socket that never says anything after opening is pinged, then terminated two sweeps later", () => {
    const s = run(300_000, () => false, { answers: false });
    expect(s.pings).toEqual([30_000]);
    expect(s.terminatedAt).toBe(30_000 + PONG_WITHIN_SWEEPS * SWEEP_EVERY_MS);
  });

  test("any frame after a ping answers it; a closed socket is forgotten", () => {
    const sweep = new PingSweep<FakeSocket>();
    const a = new FakeSocket(sweep);
    const b = new FakeSocket(sweep);
    a.answers = false;
    b.answers = false;
    sweep.opened(a, 0);
    sweep.opened(b, 0);
    a.now = b.now = 30_000;
    expect(sweep.sweep(30_000)).toEqual({ pinged: 2, terminated: 0 });
    sweep.heard(a, 35_000); // a heartbeat, not a pong
    sweep.closed(b);
    a.now = b.now = 50_000;
    sweep.sweep(40_000);
    expect(sweep.sweep(50_000)).toEqual({ pinged: 0, terminated: 0 });
    expect(a.terminatedAt).toBeNull();
    expect(b.terminatedAt, "closed by its peer: not ours to terminate").toBeNull();
  });
});
