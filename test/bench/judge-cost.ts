/**
 * CPU per judgement (issue 13: judging dominated the server's cost per changed snapshot). Every
 * capture in test/captures is collected ONCE through the agent's own collector (as
 * `kdumpwatch-agent collect --root` does), then judged many times in this process, as a judge
 * worker does: `prepareSnapshot(judgeSnapshot, …)` — parse + facts, rules + verdict, and the two
 * hashes ingest needs. Reports CPU µs per judgement (process.cpuUsage, best of N runs per
 * capture; p50/p95 over captures), the split by phase, and what moving the snapshot into a worker
 * and the judgement back costs (structured clone of the object vs. its JSON text).
 *
 *   npx tsx bench/judge-cost.ts [--runs 5] [--reps 40] [--out results/judge-cost.json]
 * (from test/; add `node --cpu-prof` via `node --import tsx --cpu-prof bench/judge-cost.ts` to profile)
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { collectSnapshot } from "@kdumpwatch/agent";
import { buildFacts, judgeFacts, judgeSnapshot, type Snapshot } from "@kdumpwatch/core";
import { prepareSnapshot } from "@kdumpwatch/server";
import { cpuMicrosPerCall } from "./lib/process-stats.ts";

const CAPTURES = resolve(import.meta.dirname, "../captures");
const NOW = new Date("2026-12-01T12:00:00Z");

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    reps: { type: "string", default: "40" },
    out: { type: "string" },
  },
});
const RUNS = Number(values.runs);
const REPS = Number(values.reps);

/** CPU µs per call of `fn`, best of RUNS runs of REPS calls. */
const cpuMicros = (fn: () => unknown) => cpuMicrosPerCall(fn, { runs: RUNS, reps: REPS });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const PHASES = [
  "total",
  "facts",
  "rules",
  "hashes",
  "snapshotClone",
  "snapshotText",
  "replyClone",
  "replyText",
] as const;
type Phase = (typeof PHASES)[number];

/** The µs of each phase for one snapshot. `facts` = parsers + fact builders (fused in buildFacts). */
function measure(snapshot: Snapshot): Record<Phase, number> {
  const facts = buildFacts(snapshot);
  const judged = judgeSnapshot(snapshot, NOW);
  const prepared = prepareSnapshot(() => judged, snapshot, NOW);
  const total = cpuMicros(() => prepareSnapshot(judgeSnapshot, snapshot, NOW));
  const factsUs = cpuMicros(() => buildFacts(snapshot));
  const rules = cpuMicros(() => judgeFacts(facts, NOW));
  return {
    total,
    facts: factsUs,
    rules,
    // what prepareSnapshot adds to judging: failing/listing and the two sha256 over canonical JSON
    hashes: cpuMicros(() => prepareSnapshot(() => judged, snapshot, NOW)),
    // postMessage structured-clones its argument; the same algorithm run here, in one thread. Into
    // the worker: the snapshot object, or its JSON text (stringified here, parsed there)
    snapshotClone: cpuMicros(() => structuredClone(snapshot)),
    snapshotText: cpuMicros(() => JSON.parse(structuredClone(JSON.stringify(snapshot)))),
    // back from it: the prepared judgement as an object (what judge-worker.ts sends), or as JSON text
    replyClone: cpuMicros(() => structuredClone(prepared)),
    replyText: cpuMicros(() => JSON.parse(structuredClone(JSON.stringify(prepared)))),
  };
}

const names = readdirSync(CAPTURES)
  .filter((n) => statSync(join(CAPTURES, n)).isDirectory())
  .filter((n) => {
    try {
      return statSync(join(CAPTURES, n, "expected.json")).isFile();
    } catch {
      return false;
    }
  })
  .sort();

const snapshots: { name: string; snapshot: Snapshot; bytes: number }[] = [];
for (const name of names) {
  const snapshot = await collectSnapshot({ root: join(CAPTURES, name), now: () => NOW });
  snapshots.push({ name, snapshot, bytes: JSON.stringify(snapshot).length });
}
// warm up: every code path compiled and optimised before any timing
for (let i = 0; i < 5; i++) for (const s of snapshots) prepareSnapshot(judgeSnapshot, s.snapshot, NOW);

const load = loadavg();
const perCapture = snapshots.map((s) => ({ name: s.name, bytes: s.bytes, ...measure(s.snapshot) }));
const summary = Object.fromEntries(
  PHASES.map((phase) => {
    const sorted = perCapture.map((c) => c[phase]).sort((a, b) => a - b);
    return [phase, { p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)) }];
  }),
) as Record<Phase, { p50: number; p95: number }>;
const bytes = snapshots.map((s) => s.bytes).sort((a, b) => a - b);

console.log(
  `judge cost over ${snapshots.length} captures (best of ${RUNS}×${REPS}; snapshot JSON p50 ` +
    `${Math.round(percentile(bytes, 50) / 1024)} KiB, p95 ${Math.round(percentile(bytes, 95) / 1024)} KiB; ` +
    `load ${load.map((l) => l.toFixed(2)).join(" ")})`,
);
console.log("phase          p50 µs   p95 µs");
for (const phase of PHASES) {
  const { p50, p95 } = summary[phase];
  console.log(`${phase.padEnd(13)} ${String(p50).padStart(7)}  ${String(p95).padStart(7)}`);
}
const slowest = [...perCapture].sort((a, b) => b.total - a.total).slice(0, 5);
console.log(`slowest: ${slowest.map((c) => `${c.name} ${Math.round(c.total)} µs`).join(", ")}`);

if (values.out) {
  const file = resolve(values.out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ runs: RUNS, reps: REPS, load, summary, perCapture }, null, 2)}\n`);
}
