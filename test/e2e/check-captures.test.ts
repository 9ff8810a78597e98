/**
 * Every whole-host capture in test/captures is judged by the BUILT agent (`check --root <capture>
 * --json`) and must give the verdict, key facts and failing checks written in its expected.json —
 * verdicts an expert signs per domain.md §8 (provenance of every file in test/captures/SOURCES.md).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readExpected, runAgent, STACK_TRACE } from "./support/agents.ts";
import { capturesDir as CAPTURES } from "./support/server-process.ts";

const EXIT_BY_VERDICT: Record<string, number> = { ready: 0, at_risk: 1, not_ready: 2, unknown: 3 };

interface Judged {
  verdict: string;
  checks: {
    id: string;
    status: string;
    summary: string;
    evidence: { source: string; text: string }[];
    remediation?: string[];
  }[];
  facts: Record<string, unknown>;
}

const names = readdirSync(CAPTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(CAPTURES, d.name, "expected.json")))
  .map((d) => d.name)
  .sort();

describe("check --root on the whole-host captures", () => {
  test("there are at least 15 captures, each documented in SOURCES.md", () => {
    expect(names.length, names.join(", ")).toBeGreaterThanOrEqual(15);
    const sources = readFileSync(join(CAPTURES, "SOURCES.md"), "utf8");
    for (const name of names) expect(sources, `SOURCES.md lacks ${name}`).toContain(`## ${name}`);
  });

  test.each(names)("%s", (name) => {
    const dir = join(CAPTURES, name);
    const expected = readExpected(name);
    const run = runAgent(["check", "--root", dir, "--json"]);
    expect(run.stderr, "no stack trace, no noise").not.toMatch(STACK_TRACE);
    let judged: Judged;
    try {
      judged = JSON.parse(run.stdout) as Judged;
    } catch {
      throw new Error(
        `check --json printed no JSON (exit ${run.status}): ${run.stdout.slice(0, 500)} ${run.stderr}`,
      );
    }
    const statuses = Object.fromEntries(judged.checks.map((c) => [c.id, `${c.status}: ${c.summary}`]));
    const context = `${name}\n${JSON.stringify(statuses, null, 2)}`;

    expect(judged.verdict, context).toBe(expected.verdict);
    expect(run.status, `exit status of ${judged.verdict}`).toBe(EXIT_BY_VERDICT[expected.verdict]);
    expect(judged.facts, `${name}: key facts`).toMatchObject(expected.facts);

    const unasserted = new Set(Object.keys(expected.unasserted ?? {}));
    const failing = judged.checks
      .filter((c) => (c.status === "fail" || c.status === "warn") && !unasserted.has(c.id))
      .map((c) => c.id)
      .sort();
    expect(failing, context).toEqual(expected.failing.filter((id) => !unasserted.has(id)).sort());

    for (const check of judged.checks) {
      if (check.status === "fail" || check.status === "warn" || check.status === "unknown") {
        expect(
          check.remediation?.length,
          `${name}: ${check.id} is ${check.status} without a remediation`,
        ).toBeGreaterThan(0);
      }
    }
  });
});
