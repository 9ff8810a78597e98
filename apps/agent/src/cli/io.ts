/** What a command may touch of the process: injected so commands are testable without spawning. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout is a terminal (colour allowed unless NO_COLOR is set) */
  isTty: boolean;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
}

/**
 * The real process, for main.ts. `KDUMPWATCH_NOW` (an ISO 8601 time) fixes the clock `check` and
 * `collect` judge and stamp at, so a capture judged twice gives the same bytes (the old-Node test
 * compares them across Node versions); an unparsable value is ignored.
 */
export function processIo(): CliIo {
  const fixed =
    process.env.KDUMPWATCH_NOW === undefined ? Number.NaN : Date.parse(process.env.KDUMPWATCH_NOW);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
    now: Number.isNaN(fixed) ? () => new Date() : () => new Date(fixed),
  };
}
