/**
 * Which agent sockets the server pings, and which it gives up on (ws/gateway.ts runs it). A socket
 * that sent anything (a frame, its own ping, a pong) within PING_EVERY_MS is alive and is not
 * pinged: the agent pings every 30 s itself, so a connected quiet fleet is not pinged at all (issue
 * 13: one ping and one pong fewer per socket per 30 s). A socket silent that long is pinged; one
 * that stays silent for PONG_WITHIN_SWEEPS sweeps after it is terminated.
 *
 * Dead sockets are reaped as fast as before: at most PING_EVERY_MS + SWEEP_EVERY_MS until the
 * ping, PONG_WITHIN_SWEEPS × SWEEP_EVERY_MS until the end, 60 s after its last frame in all, as the
 * earlier 30 s sweep (ping, then terminate at the next sweep without a pong) took at worst.
 */

/** A socket silent this long is pinged (the agent's own ping interval). */
export const PING_EVERY_MS = 30_000;
/** How often the sockets are looked at. */
export const SWEEP_EVERY_MS = 10_000;
/** Sweeps a pinged socket has to answer (anything counts as an answer). */
export const PONG_WITHIN_SWEEPS = 2;

export interface Sweepable {
  ping(): void;
  terminate(): void;
}

export class PingSweep<C extends Sweepable> {
  readonly #lastHeard = new Map<C, number>();
  /** sockets pinged and not heard from since: the sweep number of the ping */
  readonly #pinged = new Map<C, number>();
  #sweeps = 0;

  /** A new socket counts as heard when it opens. */
  opened(c: C, now: number): void {
    this.#lastHeard.set(c, now);
  }

  /** Anything arrived on the socket: a frame, a ping, a pong. */
  heard(c: C, now: number): void {
    this.#lastHeard.set(c, now);
    this.#pinged.delete(c);
  }

  closed(c: C): void {
    this.#lastHeard.delete(c);
    this.#pinged.delete(c);
  }

  /** One sweep over the open sockets; returns how many were pinged and terminated. */
  sweep(now: number): { pinged: number; terminated: number } {
    const sweep = ++this.#sweeps;
    let pinged = 0;
    let terminated = 0;
    for (const [c, last] of this.#lastHeard) {
      const pingedAt = this.#pinged.get(c);
      if (pingedAt !== undefined) {
        if (sweep - pingedAt >= PONG_WITHIN_SWEEPS) {
          this.closed(c);
          c.terminate();
          terminated++;
        }
        continue;
      }
      if (now - last >= PING_EVERY_MS) {
        this.#pinged.set(c, sweep);
        c.ping();
        pinged++;
      }
    }
    return { pinged, terminated };
  }
}
