import { EXIT, exitCodeOf } from "../cli/exit-codes.ts";
import { formatHuman } from "../cli/format-human.ts";
import type { CliIo } from "../cli/io.ts";
import { checkRoots } from "./check-roots.ts";
import { colorOf, type JudgeDeps, judgeRoot, reportOf, targetOf } from "./judge-root.ts";

/**
 * `check [--root DIR]... [--json]` (product.md §4): collect, judge with core, print, and exit with
 * the verdict's status (0 ready, 1 at_risk, 2 not_ready, 3 unknown). Given more than one --root,
 * it judges each in turn instead (check-roots.ts).
 */
export async function checkCommand(
  options: { roots: readonly string[]; json: boolean },
  io: CliIo,
  deps: JudgeDeps,
): Promise<number> {
  if (options.roots.length > 1) return checkRoots({ roots: options.roots, json: options.json }, io, deps);
  const root = options.roots[0] ?? null;
  const outcome = await judgeRoot(root, io, deps);
  if (!outcome.ok) {
    io.stderr(`kdumpwatch-agent: check: ${outcome.problem}\n`);
    return EXIT.usage;
  }
  const { judged } = outcome;
  if (options.json) io.stdout(`${JSON.stringify(reportOf(judged), null, 2)}\n`);
  else io.stdout(formatHuman(judged, { color: colorOf(io), target: targetOf(root) }));
  return exitCodeOf(judged.verdict);
}
