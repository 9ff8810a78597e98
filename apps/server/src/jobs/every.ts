import type { Logger } from "../log.ts";

export interface Periodic {
  /** stop scheduling; resolves when a run in progress has finished */
  stop(): Promise<void>;
}

/** Runs `task` every `ms`, never two runs at once; a failing run is logged and the next one still comes. */
export function every(
  ms: number,
  name: string,
  log: Logger,
  task: () => Promise<void>,
  runNow = false,
): Periodic {
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const run = () => {
    timer = null;
    if (stopped) return;
    current = task()
      .catch((err) => log.warn({ err, job: name }, "background job failed"))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(run, ms);
          timer.unref();
        }
      });
  };
  timer = setTimeout(run, runNow ? 0 : ms);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
