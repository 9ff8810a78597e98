// Orders the run's test files: the project with the most expected work first, and in each project
// its longest file first (the default sequencer runs the projects alphabetically and a project's
// files by size: the server project's two longest database files started ~230 s into a 320 s run
// and were its tail). A project's files stay together: a worker of a project with `isolate: false`
// (server, core, agent, dashboard) is reused only for files of the same project, and interleaving
// the projects file by file cost 25 s in one run (every file a new worker, ~0.5 s of imports each).
// The expected durations are the committed
// scripts/test-durations.json (a run with KDW_TEST_DURATIONS=write refreshes it, see
// vitest-durations-reporter.ts); Vitest's own results cache would do the same but is empty on a clean
// clone, where CI runs. Files it does not know yet run first, as Vitest's default does.
// `sequence.groupOrder` still comes first, and the projects without file parallelism (e2e-alone,
// core-alone) still run after all the others, one file at a time: Vitest groups them itself.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

export const DURATIONS_FILE = new URL("./test-durations.json", import.meta.url);

/** What a file not in test-durations.json is expected to take: among the longest, so it starts early. */
const UNKNOWN_MS = 30_000;

/** `project:path-from-the-root` → milliseconds, as the durations reporter writes it. */
export function readDurations(): Map<string, number> {
  try {
    return new Map(
      Object.entries(JSON.parse(readFileSync(DURATIONS_FILE, "utf8")) as Record<string, number>),
    );
  } catch {
    return new Map();
  }
}

/** The key of a file in test-durations.json. */
export function durationKey(project: string, moduleId: string, root: string): string {
  return `${project}:${relative(root, moduleId)}`;
}

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const durations = readDurations();
    const root = this.ctx.config.root;
    const expected = (spec: TestSpecification) =>
      durations.get(durationKey(spec.project.name, spec.moduleId, root)) ?? UNKNOWN_MS;
    const projectTotal = new Map<string, number>();
    for (const spec of files)
      projectTotal.set(spec.project.name, (projectTotal.get(spec.project.name) ?? 0) + expected(spec));
    const total = (spec: TestSpecification) => projectTotal.get(spec.project.name) ?? 0;
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        total(b) - total(a) ||
        (a.project.name < b.project.name ? -1 : a.project.name > b.project.name ? 1 : 0) ||
        expected(b) - expected(a) ||
        (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0),
    );
  }
}
