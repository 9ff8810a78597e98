/**
 * One definition of a command-line program: from it come the argument parser (`parseCommandLine`),
 * `--help` (`renderHelp`) and the manual pages (`renderManPages`), so the three never disagree.
 * Plain data, no I/O; it is bundled into the agent, which runs on Node ≥ 10.19 (no ES2019+ library
 * calls here: apps/agent's runtime audit checks it).
 */

/** `--name VALUE` when `value` is set, else a boolean `--name`. */
export interface CliOption {
  /** long name without the dashes: `root` → `--root` */
  readonly name: string;
  /** one letter: `h` → `-h` */
  readonly short?: string;
  /** placeholder of the value (`DIR`, `URL`); absent → a flag that takes no value */
  readonly value?: string;
  readonly help: string;
  /** the environment variable that sets the same thing (shown in help and the manual) */
  readonly env?: string;
  /** the default, as shown to people */
  readonly default?: string;
  /** may be given more than once: the values are joined with commas (`--label a=1 --label b=2` → `a=1,b=2`) */
  readonly repeatable?: boolean;
}

export interface CliArgument {
  readonly name: string;
  readonly help: string;
  readonly optional?: boolean;
  /** the last argument only: takes every remaining word (`ID...`) */
  readonly variadic?: boolean;
}

export interface CliExit {
  readonly code: number;
  readonly meaning: string;
}

export interface CliCommand {
  readonly name: string;
  /** one line, lower case, no full stop: shown in lists and as the manual's NAME */
  readonly summary: string;
  /** paragraphs */
  readonly description: readonly string[];
  readonly options: readonly CliOption[];
  readonly arguments?: readonly CliArgument[];
  /** subcommands (`token create`); a command with subcommands takes no options of its own */
  readonly commands?: readonly CliCommand[];
  readonly exits?: readonly CliExit[];
  /** example invocations, each `[command line, what it does]` */
  readonly examples?: ReadonlyArray<readonly [string, string]>;
}

export interface CliProgram {
  readonly name: string;
  readonly version: string;
  /** manual section: 8 for system administration commands and daemons */
  readonly section: "1" | "8";
  readonly summary: string;
  readonly description: readonly string[];
  readonly commands: readonly CliCommand[];
  /** run when the first argument is an option or absent (`kdumpwatch-server` = `kdumpwatch-server serve`) */
  readonly defaultCommand?: string;
  readonly exits: readonly CliExit[];
  readonly files?: ReadonlyArray<readonly [string, string]>;
  readonly seeAlso?: readonly string[];
  /** the manual's footer source, e.g. "kdumpwatch 0.1.0" */
  readonly source: string;
}

/** Every option of a command, in order, with `--help` added. */
export function optionsOf(command: CliCommand): readonly CliOption[] {
  return [...command.options, HELP_OPTION];
}

const HELP_OPTION: CliOption = { name: "help", short: "h", help: "show this help and exit" };

/** The command at `path` (`["token", "create"]`), or undefined. */
export function findCommand(program: CliProgram, path: readonly string[]): CliCommand | undefined {
  let commands: readonly CliCommand[] = program.commands;
  let found: CliCommand | undefined;
  for (const name of path) {
    found = commands.find((c) => c.name === name);
    if (found === undefined) return undefined;
    commands = found.commands ?? [];
  }
  return found;
}
