import { parseArgs } from "node:util";

/** A parsed command line. `run` keeps its own arguments: its command parses them. */
export type Invocation =
  | { command: "check"; root: string | null; json: boolean }
  | { command: "collect"; root: string | null; out: string | null }
  | { command: "run"; argv: string[] }
  | { command: "help"; topic: "check" | "collect" | "run" | null }
  | { command: "version" };

export type ParsedArgs = { ok: true; invocation: Invocation } | { ok: false; message: string };

const COMMANDS = ["check", "collect", "run", "help"] as const;

/**
 * Parses `kdumpwatch-agent <command> [options]` (product.md §4). Bad input is a value, not an
 * exception: `{ ok: false, message }`, which main turns into a usage error (exit 64).
 */
export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  const [first, ...rest] = argv;
  if (first === undefined) return usage("no command given");
  if (first === "--version" || first === "-V") {
    return rest.length === 0 ? ok({ command: "version" }) : usage(`unexpected argument '${rest[0]}'`);
  }
  if (first === "--help" || first === "-h") return ok({ command: "help", topic: null });
  switch (first) {
    case "check":
      return parseCheck(rest);
    case "collect":
      return parseCollect(rest);
    case "run":
      if (rest.includes("--help") || rest.includes("-h")) return ok({ command: "help", topic: "run" });
      return ok({ command: "run", argv: rest });
    case "help": {
      const topic = rest[0];
      if (topic === undefined) return ok({ command: "help", topic: null });
      if (topic === "check" || topic === "collect" || topic === "run") return ok({ command: "help", topic });
      return usage(`no help for '${topic}'; commands: ${COMMANDS.join(", ")}`);
    }
    default:
      return usage(
        first.startsWith("-")
          ? `unknown option '${first}' (options come after the command)`
          : `unknown command '${first}'`,
      );
  }
}

function parseCheck(args: readonly string[]): ParsedArgs {
  const parsed = strictParse(args, {
    root: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (!parsed.ok) return usage(`check: ${parsed.message}`);
  const { values } = parsed;
  if (values.help) return ok({ command: "help", topic: "check" });
  const root = pathOption(values.root, "check", "--root");
  if (!root.ok) return root;
  return ok({ command: "check", root: root.value, json: values.json === true });
}

function parseCollect(args: readonly string[]): ParsedArgs {
  const parsed = strictParse(args, {
    root: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (!parsed.ok) return usage(`collect: ${parsed.message}`);
  const { values } = parsed;
  if (values.help) return ok({ command: "help", topic: "collect" });
  const root = pathOption(values.root, "collect", "--root");
  if (!root.ok) return root;
  const out = pathOption(values.out, "collect", "--out");
  if (!out.ok) return out;
  return ok({ command: "collect", root: root.value, out: out.value });
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;
type Values = Record<string, string | boolean | undefined>;

function strictParse(
  args: readonly string[],
  options: OptionSpec,
): { ok: true; values: Values } | { ok: false; message: string } {
  try {
    const { values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
    return { ok: true, values: values as Values };
  } catch (err) {
    return { ok: false, message: describeParseError(err) };
  }
}

/** node:util's messages, shortened to their first sentence and without the '--' advice. */
function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const sentence = message.split(/\. /)[0] ?? message;
  return sentence
    .replace(/\.$/, "")
    .replace(/^Unknown option/, "unknown option")
    .replace(/^Unexpected argument/, "unexpected argument");
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
