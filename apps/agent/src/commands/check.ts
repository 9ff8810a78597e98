import type { Snapshot } from "@kdumpwatch/core";
import { checkRootDir } from "../cli/dirs.ts";
import { EXIT, exitCodeOf } from "../cli/exit-codes.ts";
import { formatHuman, type Judged } from "../cli/format-human.ts";
import type { CliIo } from "../cli/io.ts";
import { collectSnapshot, type DmesgFilter } from "../collect/collector.ts";

export interface JudgeDeps {
  judge: (snapshot: Snapshot, now: Date) => Judged;
  filterDmesg?: DmesgFilter;
}

/**
 * `check [--root DIR] [--json]` (product.md §4): collect, judge with core, print, and exit with
 * the verdict's status (0 ready, 1 at_risk, 2 not_ready, 3 unknown).
 */
export async function checkCommand(
  options: { root: string | null; json: boolean },
  io: CliIo,
  deps: JudgeDeps,
): Promise<number> {
  if (options.root !== null) {
    const problem = await checkRootDir(options.root);
    if (problem) {
      io.stderr(`kdumpwatch-agent: check: ${problem}\n`);
      return EXIT.usage;
    }
  }
  const snapshot = await collectSnapshot({
    ...(options.root === null ? {} : { root: options.root }),
    ...(deps.filterDmesg ? { filterDmesg: deps.filterDmesg } : {}),
    now: io.now,
  });
  const judged = deps.judge(snapshot, io.now());
  if (options.json) {
    const { verdict, checks, facts } = judged;
    io.stdout(`${JSON.stringify({ verdict, checks, facts }, null, 2)}\n`);
  } else {
    const color = io.isTty && (io.env.NO_COLOR ?? "") === "";
    const target = options.root === null ? "this host" : `capture ${options.root}`;
    io.stdout(formatHuman(judged, { color, target }));
  }
  return exitCodeOf(judged.verdict);
}
