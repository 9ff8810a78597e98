/**
 * docs/checks.md says which sources each check's evidence quotes (core's CHECK_EVIDENCE). Every
 * whole-host capture in test/captures, read by the agent's own collector and judged by core, must
 * quote only those: a rule that starts quoting a new source fails here until the table (and so the
 * generated document) says so.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectSnapshot } from "@kdumpwatch/agent";
import { CHECK_EVIDENCE, judgeSnapshot } from "@kdumpwatch/core";
import { expect, test } from "vitest";

const CAPTURES = fileURLToPath(new URL("../captures", import.meta.url));
const NOW = new Date("2026-06-01T12:00:00Z");

const names = readdirSync(CAPTURES)
  .filter((n) => statSync(join(CAPTURES, n)).isDirectory())
  .sort();

test("the corpus has captures to judge", () => {
  expect(names.length).toBeGreaterThan(40);
});

test.each(names)("%s: every check quotes only the sources the catalogue lists for it", async (name) => {
  const snapshot = await collectSnapshot({ root: join(CAPTURES, name), now: () => NOW });
  const { checks } = judgeSnapshot(snapshot, NOW);
  for (const check of checks) {
    const allowed = CHECK_EVIDENCE[check.id];
    if (allowed === "every") continue;
    for (const e of check.evidence) {
      expect(allowed, `${name}: ${check.id} quotes ${e.source}: "${e.text}"`).toContain(e.source);
    }
  }
});
