/**
 * Every whole-host capture in test/captures is judged by the BUILT agent (`check --root <capture>
 * --json`) and must give the verdict, key facts and failing checks written in its expected.json —
 * verdicts an expert signs per domain.md §8 (provenance of every file in test/captures/SOURCES.md).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { checkRoots, readExpected, STACK_TRACE } from "./support/agents.ts";
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

const all = readdirSync(CAPTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(CAPTURES, d.name, "expected.json")))
  .map((d) => d.name)
  .sort();

/**
 * test/captures/PENDING.json: real-world captures whose signed verdict the core does not reach yet,
 * each with the reason (work of issue 11 still to land). They are printed, run, and must still
 * disagree: the day the core gets one right, this test fails until it leaves the list. A capture's
 * expected.json is never changed to match the code.
 */
const pending = JSON.parse(readFileSync(join(CAPTURES, "PENDING.json"), "utf8")) as Record<string, string>;
const names = all.filter((n) => !(n in pending));

/**
 * Every capture judged by ONE `check --json` with a --root per capture, before the tests (a process
 * per capture cost ~7 s of CPU in all, mostly Node's start and the agent's initialisation).
 */
let checked: Awaited<ReturnType<typeof checkRoots>>;
beforeAll(async () => {
  checked = await checkRoots(all.map((name) => join(CAPTURES, name)));
}, 300_000);

function judge(name: string): { judged: Judged; status: number | null } {
  const { run, entries } = checked;
  expect(run.stderr, "no stack trace, no noise").not.toMatch(STACK_TRACE);
  const entry = entries.get(join(CAPTURES, name));
  if (entry === undefined)
    throw new Error(
      `check --json printed no entry for ${name} (exit ${run.status}): ${run.stdout.slice(0, 500)} ${run.stderr}`,
    );
  if (entry.report === undefined) throw new Error(`${name}: no report (${entry.error ?? "no error given"})`);
  return { judged: entry.report as Judged, status: entry.exitCode };
}

/** The fail/warn check ids that expected.json asserts (its `unasserted` ids left out on both sides). */
function failingOf(
  judged: Judged,
  expected: ReturnType<typeof readExpected>,
): { got: string[]; want: string[] } {
  const unasserted = new Set(Object.keys(expected.unasserted ?? {}));
  const got = judged.checks
    .filter((c) => (c.status === "fail" || c.status === "warn") && !unasserted.has(c.id))
    .map((c) => c.id)
    .sort();
  return { got, want: expected.failing.filter((id) => !unasserted.has(id)).sort() };
}

describe("check --root on the whole-host captures", () => {
  test("there are at least 50 captures, each documented in SOURCES.md", () => {
    expect(all.length, all.join(", ")).toBeGreaterThanOrEqual(50);
    const sources = readFileSync(join(CAPTURES, "SOURCES.md"), "utf8");
    for (const name of all) expect(sources, `SOURCES.md lacks ${name}`).toContain(`## ${name}`);
  });

  test("the pending list names real captures, each with its reason, and is printed", () => {
    for (const [name, reason] of Object.entries(pending)) {
      expect(all, `PENDING.json names ${name}, which is no capture`).toContain(name);
      expect(reason.length, `PENDING.json: ${name} needs a reason`).toBeGreaterThan(20);
    }
    const list = Object.entries(pending).map(([n, r]) => `  ${n}: ${r}`);
    console.log(
      `captures pending (not run against their expected verdict, ${list.length}):\n${list.join("\n")}`,
    );
  });

  test.each(Object.keys(pending))(
    "pending %s still disagrees with its expected.json (else take it off the list)",
    (name) => {
      const expected = readExpected(name);
      const { judged } = judge(name);
      const { got, want } = failingOf(judged, expected);
      const agrees = judged.verdict === expected.verdict && JSON.stringify(got) === JSON.stringify(want);
      expect(
        agrees,
        `${name} now gives ${judged.verdict} [${got}] as signed: remove it from PENDING.json`,
      ).toBe(false);
    },
  );

  test.each(names)("%s", (name) => {
    const expected = readExpected(name);
    const { judged, status } = judge(name);
    const statuses = Object.fromEntries(judged.checks.map((c) => [c.id, `${c.status}: ${c.summary}`]));
    const context = `${name}\n${JSON.stringify(statuses, null, 2)}`;

    expect(judged.verdict, context).toBe(expected.verdict);
    expect(status, `exit status of ${judged.verdict}`).toBe(EXIT_BY_VERDICT[expected.verdict]);
    expect(judged.facts, `${name}: key facts`).toMatchObject(expected.facts);

    const { got: failing, want } = failingOf(judged, expected);
    expect(failing, context).toEqual(want);

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
