import type { Snapshot } from "@kdumpwatch/core";
import { checkRootDir } from "../cli/dirs.ts";
import type { Judged } from "../cli/format-human.ts";
import type { CliIo } from "../cli/io.ts";
import { collectSnapshot, type DmesgFilter } from "../collect/collector.ts";

export interface JudgeDeps {
  judge: (snapshot: Snapshot, now: Date) => Judged;
  filterDmesg?: DmesgFilter;
}

/** One root judged, or why it could not be read (`--root DIR: no such directory`). */
type RootOutcome = { ok: true; judged: Judged } | { ok: false; problem: string };

/** Collects this host (root null) or a capture directory and judges it at `io.now()`. */
export async function judgeRoot(root: string | null, io: CliIo, deps: JudgeDeps): Promise<RootOutcome> {
  if (root !== null) {
    const problem = await checkRootDir(root);
    if (problem) return { ok: false, problem };
  }
  const snapshot = await collectSnapshot({
    ...(root === null ? {} : { root }),
    ...(deps.filterDmesg ? { filterDmesg: deps.filterDmesg } : {}),
    now: io.now,
  });
  return { ok: true, judged: deps.judge(snapshot, io.now()) };
}

/** The object `check --json` prints for one root: exactly these three keys, in this order. */
export function reportOf(judged: Judged): Pick<Judged, "verdict" | "checks" | "facts"> {
  const { verdict, checks, facts } = judged;
  return { verdict, checks, facts };
}

/** Colour only on a terminal, and only while NO_COLOR is unset or empty (no-color.org). */
export function colorOf(io: CliIo): boolean {
  return io.isTty && (io.env.NO_COLOR ?? "") === "";
}

/** How the human report names what it judged. */
export function targetOf(root: string | null): string {
  return root === null ? "this host" : `capture ${root}`;
}
