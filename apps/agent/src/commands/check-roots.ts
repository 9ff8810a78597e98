import { VERDICTS, type Verdict } from "@kdumpwatch/core";
import { EXIT, exitCodeOf } from "../cli/exit-codes.ts";
import { formatHuman } from "../cli/format-human.ts";
import type { CliIo } from "../cli/io.ts";
import { colorOf, type JudgeDeps, judgeRoot, reportOf } from "./judge-root.ts";

/**
 * One element of `check --root A --root B --json`'s array: the root as given, the status
 * `check --root DIR` alone would exit with, and either `report`, exactly the object that command
 * prints, or `error`, why the root could not be read (its status is then 64).
 */
type RootEntry =
  | { root: string; exitCode: number; report: ReturnType<typeof reportOf> }
  | { root: string; exitCode: number; error: string };

/**
 * The overall status, worst first: a root that could not be read (64), then core's precedence for
 * one host's verdict (packages/core/src/readiness.ts: not_ready, unknown, at_risk, ready).
 */
const WORST_FIRST: readonly number[] = [EXIT.usage, EXIT.not_ready, EXIT.unknown, EXIT.at_risk, EXIT.ready];

/**
 * `check --root A --root B ...` (an operator judging a folder of extracted sos reports): each root
 * is judged in turn, in the order given, in this one process (a Node start and the agent's loading
 * are paid once). A root that cannot be read is reported, on stderr too, and the others are still
 * judged. Text: each report under a `==> DIR <==` heading (as `tail` heads several files), then a
 * tally; --json: one array of {@link RootEntry}. Exits with the worst of the roots' statuses.
 */
export async function checkRoots(
  options: { roots: readonly string[]; json: boolean },
  io: CliIo,
  deps: JudgeDeps,
): Promise<number> {
  const entries: RootEntry[] = [];
  const verdicts: Verdict[] = [];
  for (const [i, root] of options.roots.entries()) {
    const outcome = await judgeRoot(root, io, deps);
    if (!options.json) io.stdout(`${i === 0 ? "" : "\n"}==> ${root} <==\n`);
    if (!outcome.ok) {
      io.stderr(`kdumpwatch-agent: check: ${outcome.problem}\n`);
      entries.push({ root, exitCode: EXIT.usage, error: outcome.problem });
      if (!options.json) io.stdout(`not judged: ${outcome.problem}\n`);
      continue;
    }
    const { judged } = outcome;
    verdicts.push(judged.verdict);
    entries.push({ root, exitCode: exitCodeOf(judged.verdict), report: reportOf(judged) });
    if (!options.json) io.stdout(formatHuman(judged, { color: colorOf(io), target: `capture ${root}` }));
  }
  if (options.json) io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
  else io.stdout(`\n${tally(options.roots.length, verdicts)}\n`);
  const codes = entries.map((e) => e.exitCode);
  return WORST_FIRST.find((code) => codes.includes(code)) ?? EXIT.internal;
}

/** `3 roots: 1 ready, 1 not_ready; 1 not judged.` */
function tally(roots: number, verdicts: readonly Verdict[]): string {
  const counts = VERDICTS.map((v) => [v, verdicts.filter((x) => x === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`);
  const unread = roots - verdicts.length;
  return `${roots} roots: ${counts.length > 0 ? counts.join(", ") : "none judged"}${unread > 0 ? `; ${unread} not judged` : ""}.`;
}
