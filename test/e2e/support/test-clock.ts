/**
 * The server's stepped test clock from end-to-end tests (not a test file): the environment that
 * turns it on, and POST/GET /api/test/clock (apps/server/src/routes/test-clock.ts, docs/testing.md).
 */
import type { ServerProcess } from "./server-process.ts";

/** What GET/POST /api/test/clock answer (apps/server/src/routes/test-clock.ts). */
export interface TestClockState {
  now: string;
  outbox: Array<{ receiver: string; pending: number; oldestAgeSeconds: number }>;
}

/** The environment that puts a server on a stepped test clock, `aheadSeconds` ahead of the system clock. */
export const testClockEnv = (aheadSeconds = 0) => ({
  KDUMPWATCH_TEST_CLOCK: aheadSeconds === 0 ? "stepped" : `stepped+${aheadSeconds}`,
});

/**
 * Moves the server's test clock forward and runs one alert tick at the new time (awaited), instead
 * of sleeping through a hold, a group wait or a stale threshold.
 */
export async function advanceClock(s: ServerProcess, seconds: number): Promise<TestClockState> {
  const res = await s.fetch("/api/test/clock", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/test/clock: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as TestClockState;
}

/**
 * Waits until the server holds no undelivered notification for the receiver at `receiverUrl`
 * (every one it has queued was sent and accepted): after that nothing more can reach that receiver
 * unless a new alert change queues it, so "exactly once" can be asserted without sleeping and hoping.
 */
export async function outboxDrained(s: ServerProcess, receiverUrl: string, timeoutMs = 30_000) {
  const host = new URL(receiverUrl).host;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await s.api<TestClockState>("/api/test/clock");
    const mine = state.outbox.filter((r) => r.receiver.endsWith(`//${host}`));
    if (mine.length === 0) throw new Error(`no receiver at ${host} in ${JSON.stringify(state.outbox)}`);
    if (mine.every((r) => r.pending === 0)) return state;
    if (Date.now() > until) {
      throw new Error(
        `outbox for ${host} not drained after ${timeoutMs} ms: ${JSON.stringify(state.outbox)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
