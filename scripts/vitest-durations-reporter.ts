// With KDW_TEST_DURATIONS=write, a run that passed writes each file's duration to
// scripts/test-durations.json, which vitest-sequencer.ts orders the next runs by (longest first).
// Files of the run replace their entries; the others stay, so a partial run updates only its files.
import { writeFileSync } from "node:fs";
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { DURATIONS_FILE, durationKey, readDurations } from "./vitest-sequencer.ts";

export default class DurationsReporter implements Reporter {
  #root = "";

  onInit(vitest: Vitest): void {
    this.#root = vitest.config.root;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (process.env.KDW_TEST_DURATIONS !== "write") return;
    if (modules.some((m) => m.state() !== "passed")) return;
    const durations = readDurations();
    for (const m of modules)
      durations.set(durationKey(m.project.name, m.moduleId, this.#root), Math.round(m.diagnostic().duration));
    const sorted = Object.fromEntries([...durations].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileSync(DURATIONS_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
  }
}
