import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

/** The built agent: e2e tests run exactly what ships (`pnpm --filter @kdumpwatch/agent build`). */
const AGENT_BUNDLE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../apps/agent/dist/kdumpwatch-agent.mjs",
);

function requireAgentBundle(): string {
  if (!existsSync(AGENT_BUNDLE)) {
    throw new Error(
      `The agent bundle ${AGENT_BUNDLE} is missing: build it first with \`pnpm --filter @kdumpwatch/agent build\` (CI builds before testing).`,
    );
  }
  return AGENT_BUNDLE;
}

interface AgentRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundle with plain `node`, as an operator would. */
function runAgent(args: string[], options: { bundle?: string; cwd?: string } = {}): AgentRun {
  const bundle = options.bundle ?? requireAgentBundle();
  const result = spawnSync(process.execPath, [bundle, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A Node stack frame line: never shown to an operator. */
const STACK_TRACE = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .*:\d+:\d+$/m;

const EXIT_BY_VERDICT: Record<string, number> = { ready: 0, at_risk: 1, not_ready: 2, unknown: 3 };

/**
 * Every whole-host capture in test/captures is judged by the BUILT agent (`check --root <capture>
 * --json`) and must give the verdict, key facts and failing checks written in its expected.json —
 * verdicts an expert signs per domain.md §8 (provenance of every file in test/captures/SOURCES.md).
 */
const CAPTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../captures");

interface Expected {
  verdict: string;
  facts: Record<string, unknown>;
  /** ids whose status must be fail or warn; every other fail/warn is a mismatch */
  failing: string[];
  /** ids whose fail/warn is not asserted, each with the reason */
  unasserted?: Record<string, string>;
}

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
    requireAgentBundle();
    const dir = join(CAPTURES, name);
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
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
