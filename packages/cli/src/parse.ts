import { type CliCommand, type CliOption, type CliProgram, findCommand, optionsOf } from "./spec.ts";

export type OptionValues = Record<string, string | boolean | undefined>;

/** What the user asked for. Bad input is a value (`ok: false`), never an exception. */
export type ParsedCommandLine =
  | { ok: true; kind: "command"; path: string[]; values: OptionValues; args: string[] }
  | { ok: true; kind: "help"; path: string[] }
  | { ok: true; kind: "version" }
  | { ok: false; path: string[]; message: string };

/**
 * Parses `PROGRAM COMMAND [SUBCOMMAND] [options] [arguments]` against the program's definition:
 * `--name VALUE`, `--name=VALUE`, `-x VALUE`, boolean `--flag`, `--` ends the options. `--help`/`-h`
 * anywhere asks for the help of the command named so far; `help COMMAND…` too; `--version`/`-V`
 * first prints the version.
 */
export function parseCommandLine(program: CliProgram, argv: readonly string[]): ParsedCommandLine {
  const first = argv[0];
  if (first === "--version" || first === "-V") {
    return argv.length === 1
      ? { ok: true, kind: "version" }
      : { ok: false, path: [], message: `unexpected argument '${argv[1]}'` };
  }
  if (first === "help") return parseHelp(program, argv.slice(1));
  if ((first === "--help" || first === "-h") && program.defaultCommand === undefined) {
    return { ok: true, kind: "help", path: [] };
  }
  let rest = argv.slice();
  if (first === undefined || first.startsWith("-")) {
    if (program.defaultCommand === undefined) {
      return {
        ok: false,
        path: [],
        message:
          first === undefined
            ? "no command given"
            : `unknown option '${first}' (options come after the command)`,
      };
    }
    if (first === "--help" || first === "-h") return { ok: true, kind: "help", path: [] };
    rest = [program.defaultCommand, ...rest];
  }

  const path: string[] = [];
  let commands: readonly CliCommand[] = program.commands;
  let command: CliCommand | undefined;
  while (rest.length > 0 && (command === undefined || command.commands !== undefined)) {
    const word = rest[0] as string;
    if (command !== undefined && (word === "--help" || word === "-h"))
      return { ok: true, kind: "help", path };
    const next = commands.find((c) => c.name === word);
    if (next === undefined) {
      const where = path.length === 0 ? "" : `${path.join(" ")}: `;
      const names = commands.map((c) => c.name).join(", ");
      return {
        ok: false,
        path,
        message: word.startsWith("-")
          ? `${where}expected one of: ${names}`
          : `${where}unknown command '${word}'${path.length === 0 ? "" : ` (expected one of: ${names})`}`,
      };
    }
    command = next;
    path.push(word);
    commands = next.commands ?? [];
    rest = rest.slice(1);
  }
  if (command === undefined) return { ok: false, path, message: "no command given" };
  if (command.commands !== undefined) {
    return {
      ok: false,
      path,
      message: `${path.join(" ")}: expected one of: ${command.commands.map((c) => c.name).join(", ")}`,
    };
  }
  const parsed = parseOptions(optionsOf(command), rest);
  if (!parsed.ok) return { ok: false, path, message: `${path.join(" ")}: ${parsed.message}` };
  if (parsed.values.help === true) return { ok: true, kind: "help", path };
  const checked = checkArguments(command, parsed.args);
  if (checked !== null) return { ok: false, path, message: `${path.join(" ")}: ${checked}` };
  return { ok: true, kind: "command", path, values: parsed.values, args: parsed.args };
}

function parseHelp(program: CliProgram, words: readonly string[]): ParsedCommandLine {
  if (words.length === 0) return { ok: true, kind: "help", path: [] };
  if (findCommand(program, words) === undefined) {
    const names = program.commands.map((c) => c.name).join(", ");
    return { ok: false, path: [], message: `no help for '${words.join(" ")}'; commands: ${names}` };
  }
  return { ok: true, kind: "help", path: words.slice() };
}

export type ParsedOptions =
  | { ok: true; values: OptionValues; args: string[] }
  | { ok: false; message: string };

/** The options part of a command line: values by long name, the remaining arguments in order. */
export function parseOptions(options: readonly CliOption[], argv: readonly string[]): ParsedOptions {
  const values: OptionValues = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === "--") {
      for (const a of argv.slice(i + 1)) args.push(a);
      break;
    }
    if (!word.startsWith("-") || word === "-") {
      args.push(word);
      continue;
    }
    const long = word.startsWith("--");
    const eq = long ? word.indexOf("=") : -1;
    const key = long ? word.slice(2, eq === -1 ? undefined : eq) : word.slice(1);
    const option = options.find((o) => (long ? o.name === key : o.short === key));
    const shown = long ? `--${key}` : word;
    if (option === undefined) return { ok: false, message: `unknown option '${shown}'` };
    if (option.value === undefined) {
      if (eq !== -1) return { ok: false, message: `option '${shown}' takes no value` };
      values[option.name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = word.slice(eq + 1);
    else if (i + 1 < argv.length && !isOptionLike(argv[i + 1] as string)) value = argv[++i];
    if (value === undefined) return { ok: false, message: `option '${shown} ${option.value}' needs a value` };
    const previous = values[option.name];
    if (previous !== undefined && option.repeatable !== true) {
      // the last value silently winning would judge or write somewhere the user did not mean
      return { ok: false, message: `option '--${option.name}' given more than once` };
    }
    values[option.name] = typeof previous === "string" ? `${previous},${value}` : value;
  }
  return { ok: true, values, args };
}

/** `-x`/`--x` is taken for an option, so `--root --json` is a missing value, not a directory. */
function isOptionLike(word: string): boolean {
  return word.length > 1 && word.startsWith("-") && !/^-\d/.test(word);
}

function checkArguments(command: CliCommand, args: readonly string[]): string | null {
  const declared = command.arguments ?? [];
  const required = declared.filter((a) => a.optional !== true).length;
  const variadic = declared.at(-1)?.variadic === true;
  if (!variadic && args.length > declared.length) return `unexpected argument '${args[declared.length]}'`;
  if (args.length < required) return `missing ${declared[args.length]?.name ?? "argument"}`;
  return null;
}
