/** One ticking clock for relative times ("3 min ago") and the reconnect countdown. */
export class Clock {
  now: number = $state(Date.now());

  constructor(intervalMs = 1_000) {
    setInterval(() => {
      this.now = Date.now();
    }, intervalMs);
  }
}
