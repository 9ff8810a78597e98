/**
 * Per-socket and per-credential bounds of the agent gateway (issue 12 §3: bounded work per byte).
 *
 * Queue: a socket's queued bytes are the frames received but not yet handled (each waits for the
 * one before it: the database is slower than the network) plus what the server has sent but the
 * socket has not flushed (`bufferedAmount`: an agent that does not read). Over the limit the
 * server stops reading that socket (`ws.pause()` pauses the TCP socket, so the kernel's window
 * closes and the agent's writes block); under half the limit it reads again. A socket that stays
 * over for the grace period is closed with 4413 and a reason.
 *
 * Sockets per host: one credential holds at most `max` welcomed sockets. One more is refused —
 * the NEWEST, with 4409: the socket that got there first is the one already reporting, and a
 * copied credential cannot push the real host off the server. A restarting agent's new socket still
 * fits beside its dying old one with the default of 2; the ping sweep reaps a dead socket within
 * two intervals.
 */

export class HostSocketLimit {
  readonly #sockets = new Map<string, Set<object>>();
  constructor(readonly max: number) {}

  /** takes a place for `socket` on `hostId`; false when the host already has `max` */
  admit(hostId: string, socket: object): boolean {
    const held = this.#sockets.get(hostId) ?? new Set<object>();
    if (held.has(socket)) return true;
    if (held.size >= this.max) return false;
    held.add(socket);
    this.#sockets.set(hostId, held);
    return true;
  }

  release(hostId: string, socket: object): void {
    const held = this.#sockets.get(hostId);
    if (!held) return;
    held.delete(socket);
    if (held.size === 0) this.#sockets.delete(hostId);
  }

  held(hostId: string): number {
    return this.#sockets.get(hostId)?.size ?? 0;
  }
}

export interface QueueGuardOptions {
  limitBytes: number;
  graceMs: number;
  /** bytes sent but not yet flushed to the socket */
  outbound: () => number;
  pause: () => void;
  resume: () => void;
  /** the socket stayed over the limit for the grace period */
  overflow: (queuedBytes: number) => void;
}

/** Counts one socket's queued bytes and applies backpressure (see the file comment). */
export class QueueGuard {
  #inbound = 0;
  #paused = false;
  #timer: NodeJS.Timeout | null = null;
  #recheck: NodeJS.Timeout | null = null;
  /** times this socket was paused (metrics, tests) */
  pauses = 0;

  constructor(private readonly o: QueueGuardOptions) {}

  get queued(): number {
    return this.#inbound + this.o.outbound();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** a frame of `bytes` was queued for handling */
  received(bytes: number): void {
    this.#inbound += bytes;
    this.#check();
  }

  /** a queued frame of `bytes` has been handled */
  handled(bytes: number): void {
    this.#inbound = Math.max(0, this.#inbound - bytes);
    this.#check();
  }

  /** after a send: outbound bytes count too */
  sent(): void {
    this.#check();
  }

  #check(): void {
    const queued = this.queued;
    if (!this.#paused && queued > this.o.limitBytes) {
      this.#paused = true;
      this.pauses++;
      this.o.pause();
      this.#timer = setTimeout(() => {
        this.#timer = null;
        if (this.#paused && this.queued > this.o.limitBytes) this.o.overflow(this.queued);
      }, this.o.graceMs);
      this.#timer.unref();
      // outbound bytes drain without an event of ours: look again while paused
      this.#recheck = setInterval(() => this.#check(), 250);
      this.#recheck.unref();
    } else if (this.#paused && queued <= this.o.limitBytes / 2) {
      this.#paused = false;
      this.#clearTimers();
      this.o.resume();
    }
  }

  #clearTimers(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#recheck) clearInterval(this.#recheck);
    this.#timer = this.#recheck = null;
  }

  dispose(): void {
    this.#clearTimers();
  }
}
