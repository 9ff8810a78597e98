/** What a command may touch of the process: injected so commands are testable without spawning. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout is a terminal (colour allowed unless NO_COLOR is set) */
  isTty: boolean;
  env: Readonly<Record<string, string | undefined>>;
  now: () => Date;
}

/** The real process, for main.ts. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
    now: () => new Date(),
  };
}
