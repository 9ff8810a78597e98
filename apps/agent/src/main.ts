// first: the library features Node 10.19 lacks, before any other module is evaluated
import "./compat/install.ts";
import { judgeSnapshot } from "@kdumpwatch/core";
import { EXIT } from "./cli/exit-codes.ts";
import { processIo } from "./cli/io.ts";
import { runCli } from "./cli/run-cli.ts";
import { runCommand } from "./commands/run.ts";

/**
 * The agent's entry point (bundled to dist/kdumpwatch-agent.cjs). Everything expected ends in an
 * exit status chosen by the command; anything unexpected is one line on stderr and status 70 —
 * never a stack trace, unless KDUMPWATCH_DEBUG=1 asks for it.
 */
async function main(): Promise<number> {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0); // `check | head`: the reader left, nothing to report
  });
  return runCli(process.argv.slice(2), processIo(), { judge: judgeSnapshot, run: runCommand });
}

function internalError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`kdumpwatch-agent: internal error: ${message}\n`);
  if (process.env.KDUMPWATCH_DEBUG === "1" && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  }
  process.exit(EXIT.internal);
}

process.on("uncaughtException", internalError);
process.on("unhandledRejection", internalError);

main().then(
  // exit explicitly: a read stuck in a hung filesystem must not keep the process alive; but only once
  // stdout has taken everything: to a pipe Node writes asynchronously past the pipe's buffer (64 KiB),
  // and an exit before that cuts the output short (a `check --json` of several roots is megabytes)
  (code) => process.stdout.write("", () => process.exit(code)),
  internalError,
);
