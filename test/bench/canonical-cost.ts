/**
 * CPU per snapshot of the two canonical-JSON hashes ingest computes (issue 13: "two canonical-JSON
 * hashes of the snapshot, a third of judging"), and of prepareSnapshot as a whole, on every capture
 * in test/captures collected once through the agent's collector (as judge-cost.ts does); mean µs
 * per snapshot, best of N runs, each run one pass over every capture REPS times. Also
 * writes every capture's content and judgement hash, so that two trees can be compared byte for
 * byte (`diff` the two --hashes files).
 *
 *   npx tsx bench/canonical-cost.ts [--runs 5] [--reps 200] [--hashes FILE]
 * (from test/)
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { collectSnapshot } from "@kdumpwatch/agent";
import { judgeSnapshot, type Snapshot } from "@kdumpwatch/core";
import { canonicalJson } from "@kdumpwatch/protocol";
import { prepareSnapshot } from "@kdumpwatch/server";
import { cpuMicrosPerCall } from "./lib/process-stats.ts";

const CAPTURES = resolve(import.meta.dirname, "../captures");
const NOW = new Date("2026-12-01T12:00:00Z");

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    reps: { type: "string", default: "200" },
    hashes: { type: "string" },
  },
});
const RUNS = Number(values.runs);
const REPS = Number(values.reps);

/** CPU µs per call of `fn`, best of RUNS runs of REPS calls. */
const cpuMicros = (fn: () => unknown) => cpuMicrosPerCall(fn, { runs: RUNS, reps: REPS });

const names = readdirSync(CAPTURES)
  .filter((n) => statSync(join(CAPTURES, n)).isDirectory())
  .sort();
const snapshots: { name: string; snapshot: Snapshot }[] = [];
for (const name of names) {
  snapshots.push({ name, snapshot: await collectSnapshot({ root: join(CAPTURES, name), now: () => NOW }) });
}

const hashes: string[] = [];
const rows = snapshots.map(({ name, snapshot }) => {
  const judged = judgeSnapshot(snapshot, NOW);
  const { collectedAt: _, ...stableFacts } = judged.facts;
  const judgement = { checks: judged.checks, facts: stableFacts };
  const prepared = prepareSnapshot(() => judged, snapshot, NOW);
  hashes.push(`${name} ${prepared.contentHash} ${prepared.judgementHash}`);
  return { snapshot, judged, judgement };
});
// warm up: every path compiled and optimised before any timing
for (let i = 0; i < 20; i++) for (const r of rows) prepareSnapshot(() => r.judged, r.snapshot, NOW);

const load = loadavg();
const sum = (fn: (r: (typeof rows)[number]) => unknown) =>
  cpuMicros(() => {
    for (const r of rows) fn(r);
  }) / rows.length;
const figures = {
  "canonicalJson(sources)": sum((r) => canonicalJson(r.snapshot.sources)),
  "canonicalJson(judgement)": sum((r) => canonicalJson(r.judgement)),
  "hashes (prepareSnapshot with the judgement given)": sum((r) =>
    prepareSnapshot(() => r.judged, r.snapshot, NOW),
  ),
  "prepareSnapshot (judging included)": sum((r) => prepareSnapshot(judgeSnapshot, r.snapshot, NOW)),
};
console.log(
  `canonical JSON cost, mean µs per snapshot over ${rows.length} captures (best of ${RUNS}×${REPS}; ` +
    `load ${load.map((l) => l.toFixed(2)).join(" ")})`,
);
for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(52)} ${v.toFixed(1)}`);
if (values.hashes) writeFileSync(values.hashes, `${hashes.join("\n")}\n`);
