/**
 * A token bucket: `burst` frames at once, refilled at `perSec`. One per socket, so a flooding
 * agent runs dry and is closed (4429) while every other socket keeps its own allowance.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  constructor(
    private readonly burst: number,
    private readonly perSec: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#last = nowMs();
  }

  take(): boolean {
    const now = this.nowMs();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSec);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
