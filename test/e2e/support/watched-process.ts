/**
 * A child process whose output is kept and whose exit can be awaited (not a test file): the base of
 * the server and agent processes of the end-to-end tests. Every one still running is tracked, so an
 * `afterAll` can SIGKILL what a failed test left behind.
 */
import type { ChildProcess } from "node:child_process";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<WatchedProcess>();

export class WatchedProcess {
  /** stdout and stderr, interleaved as they arrive */
  output = "";
  readonly exit: Promise<Exit>;
  #exited = false;

  constructor(readonly child: ChildProcess) {
    running.add(this);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.exit = new Promise((r) =>
      child.once("exit", (code, signal) => {
        this.#exited = true;
        running.delete(this);
        r({ code, signal });
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`process did not spawn:\n${this.output}`);
    return this.child.pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  get alive(): boolean {
    return !this.#exited && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How many times `pattern` occurs in the output so far. */
  count(pattern: RegExp): number {
    return [...this.output.matchAll(new RegExp(pattern.source, "g"))].length;
  }

  /** Waits until `pattern` occurs `times` times in the output; throws with the output after the timeout. */
  async waitFor(pattern: RegExp, timeoutMs: number, times = 1): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.count(pattern) < times) {
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${pattern} (x${times}); output:\n${this.output}`);
      await sleep(50);
    }
  }

  /** Sends `signal` (if still running) and waits for the exit. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<Exit> {
    if (this.alive) this.child.kill(signal);
    return this.exit;
  }
}

/** SIGKILLs every tracked process that `which` selects and is still running (for afterAll). */
export async function killRunning(which: (p: WatchedProcess) => boolean): Promise<void> {
  await Promise.all([...running].filter(which).map((p) => p.kill("SIGKILL")));
}
