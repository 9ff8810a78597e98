/**
 * Evidence is the host's own words (issue 11 §5): on EVERY capture of test/captures, each evidence
 * line `check --json` shows occurs verbatim in the text the agent read for the source it names
 * (`collect --root`, the same collector). A source that was not read has no text, so it can never
 * be cited: absence belongs in a check's summary, not in an invented evidence line.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { SnapshotPayload } from "@kdumpwatch/protocol";
import { beforeAll, describe, expect, test } from "vitest";
import { type AgentRun, checkRoots, runAgentAsync } from "./support/agents.ts";
import { inBatches } from "./support/polling.ts";
import { capturesDir as CAPTURES } from "./support/server-process.ts";

interface Judged {
  checks: { id: string; status: string; summary: string; evidence: { source: string; text: string }[] }[];
}

const names = readdirSync(CAPTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(CAPTURES, d.name, "expected.json")))
  .map((d) => d.name)
  .sort();

/**
 * Each capture's `collect --root` (what collectSnapshot runs), two processes at a time, beside ONE `check --json` with a --root per capture (checkRoots), before the tests.
 */
const collects = new Map<string, AgentRun>();
let checked: Awaited<ReturnType<typeof checkRoots>>;
beforeAll(async () => {
  const checking = checkRoots(names.map((name) => join(CAPTURES, name)));
  await inBatches(names, 2, async (name) => {
    collects.set(name, await runAgentAsync(["collect", "--root", join(CAPTURES, name)]));
  });
  checked = await checking;
}, 300_000);

describe("every evidence line is text that occurs in its source", () => {
  test("the property is checked over all captures", () => {
    expect(names.length).toBeGreaterThanOrEqual(50);
  });

  test.each(names)("%s", (name) => {
    const collected = collects.get(name);
    if (collected === undefined) throw new Error(`${name} was not collected`);
    const entry = checked.entries.get(join(CAPTURES, name));
    if (entry?.report === undefined)
      throw new Error(
        `check --json gave no report for ${name}: ${entry?.error ?? checked.run.stdout.slice(0, 500)}`,
      );
    // as collectSnapshot: the collector must succeed
    if (collected.status !== 0)
      throw new Error(`collect --root ${name} exited ${collected.status}: ${collected.stderr}`);
    const snapshot = JSON.parse(collected.stdout) as SnapshotPayload;
    const judged = entry.report as Judged;
    const invented: string[] = [];
    let lines = 0;
    for (const check of judged.checks) {
      for (const e of check.evidence) {
        lines++;
        const source = (snapshot.sources as Record<string, { ok: boolean; text?: string } | undefined>)[
          e.source
        ];
        const text = source?.ok ? (source.text ?? "") : null;
        if (e.text.trim() === "" || text === null || !text.includes(e.text)) {
          invented.push(
            `${check.id} cites ${e.source} (${text === null ? "not read" : "read"}): ${JSON.stringify(e.text).slice(0, 160)}`,
          );
        }
      }
    }
    expect(invented, `${name}: evidence not found verbatim in its source`).toEqual([]);
    expect(lines, `${name}: a judged host shows some evidence`).toBeGreaterThan(0);
  });
});
