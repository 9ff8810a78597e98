import { checkCommand } from "../commands/check.ts";
import { collectCommand } from "../commands/collect.ts";
import type { JudgeDeps } from "../commands/judge-root.ts";
import { parseCommandLine } from "./args.ts";
import { EXIT } from "./exit-codes.ts";
import { helpText } from "./help.ts";
import type { CliIo } from "./io.ts";
import { AGENT_VERSION } from "./version.ts";

export interface CliDeps extends JudgeDeps {
  run: (argv: string[]) => Promise<number>;
}

/** Parses the command line and runs one command; returns the exit status. Usage errors → 64. */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) {
    io.stderr(`kdumpwatch-agent: ${parsed.message}\nTry 'kdumpwatch-agent --help'.\n`);
    return EXIT.usage;
  }
  const { invocation } = parsed;
  switch (invocation.command) {
    case "version":
      io.stdout(`kdumpwatch-agent ${AGENT_VERSION}\n`);
      return 0;
    case "help":
      io.stdout(helpText(invocation.topic));
      return 0;
    case "check":
      return checkCommand(invocation, io, deps);
    case "collect":
      return collectCommand(invocation, io, deps);
    case "run":
      return deps.run(invocation.argv);
  }
}
