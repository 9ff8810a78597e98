import { parseCommandLine as parseWith } from "@kdumpwatch/cli";
import { AGENT_PROGRAM } from "./program.ts";

/** A parsed command line. `run` keeps its own arguments: its command parses them (run-config.ts). */
type Invocation =
  | { command: "check"; roots: string[]; json: boolean }
  | { command: "collect"; root: string | null; out: string | null }
  | { command: "run"; argv: string[] }
  | { command: "help"; topic: string[] }
  | { command: "version" };

export type ParsedArgs = { ok: true; invocation: Invocation } | { ok: false; message: string };

/**
 * Parses `kdumpwatch-agent <command> [options]` against the program's one definition (program.ts).
 * Bad input is a value, not an exception: `{ ok: false, message }`, which main turns into exit 64.
 */
export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  if (argv[0] === "run") {
    const rest = argv.slice(1);
    if (rest.includes("--help") || rest.includes("-h")) return ok({ command: "help", topic: ["run"] });
    return ok({ command: "run", argv: rest });
  }
  const parsed = parseWith(AGENT_PROGRAM, argv);
  if (!parsed.ok) return usage(parsed.message);
  if (parsed.kind === "version") return ok({ command: "version" });
  if (parsed.kind === "help") return ok({ command: "help", topic: parsed.path });
  const { values } = parsed;
  if (parsed.path[0] === "check") {
    const roots: string[] = [];
    for (const value of everyRoot(argv)) {
      const root = pathOption(value, "check", "--root");
      if (!root.ok) return root;
      if (root.value !== null) roots.push(root.value);
    }
    return ok({ command: "check", roots, json: values.json === true });
  }
  const root = pathOption(values.root, "collect", "--root");
  if (!root.ok) return root;
  const out = pathOption(values.out, "collect", "--out");
  if (!out.ok) return out;
  return ok({ command: "collect", root: root.value, out: out.value });
}

/**
 * Every `--root` of a `check` command line, in order (`check` judges each). The shared parser keeps
 * one value per option, and joins a repeatable one's with commas, which a directory name may hold; so
 * the values are read again from the words it has already accepted: `check` has no arguments and no
 * other option that takes a value, so each `--root` is followed by its directory, or is `--root=DIR`.
 */
function everyRoot(argv: readonly string[]): string[] {
  const roots: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === "--root") roots.push(argv[++i] as string);
    else if (word.startsWith("--root=")) roots.push(word.slice("--root=".length));
  }
  return roots;
}

function pathOption(
  value: unknown,
  command: string,
  flag: string,
): { ok: true; value: string | null } | { ok: false; message: string } {
  if (value === undefined) return { ok: true, value: null };
  if (typeof value !== "string" || value.trim() === "") {
    return { ok: false, message: `${command}: ${flag} needs a directory` };
  }
  return { ok: true, value };
}

function ok(invocation: Invocation): ParsedArgs {
  return { ok: true, invocation };
}

function usage(message: string): ParsedArgs {
  return { ok: false, message };
}
