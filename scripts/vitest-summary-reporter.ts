// Prints the closing line CI reads: "N passed, N failed, N skipped" (docs/stack.md §9). A file
// that fails to import, or a suite whose hook throws, has no failed test of its own; it is counted
// once so that a broken file can never look green.
import type { Reporter, TestModule, TestSuite } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failed++;
        else skipped++;
      }
      const holders: Array<TestModule | TestSuite> = [m, ...m.children.allSuites()];
      for (const h of holders) {
        if (h.state() !== "failed") continue;
        const anyFailedTest = [...h.children.allTests("failed")].length > 0;
        const anyFailedChildSuite = [...h.children.allSuites()].some((s) => s.state() === "failed");
        if (!anyFailedTest && !anyFailedChildSuite) failed++;
      }
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
