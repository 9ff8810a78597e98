/**
 * The ending every standalone benchmark script shares: its result as indented JSON on stdout (and in
 * `--out FILE` when given), and a failure as a stack trace with exit code 1.
 */
import { writeFileSync } from "node:fs";

export function printResult(result: unknown, out: string | undefined): void {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (out) writeFileSync(out, text);
  process.stdout.write(text);
}

export function runBench(main: () => Promise<void>): void {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
