/**
 * Summarises a V8 `.cpuprofile` (what `KDW_BENCH_CPU_PROF=DIR pnpm bench …` makes the server
 * write): self time per function, and per package (node_modules name, or the server's own code),
 * as a Markdown table for BENCHMARKS.md.
 *
 *   npx tsx test/bench/profile-summary.ts FILE.cpuprofile [--top 25] [--last SEC [--skip-last SEC]]
 * (--last: only the samples of the last SEC seconds before the final --skip-last seconds, e.g. one
 * phase of ingest-cost.ts: its end is the line's time in the bench's log, the file's mtime the exit)
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  /** µs, the clock of the samples */
  endTime?: number;
  startTime?: number;
}

/**
 * Only the samples of a time window, counted back from the profile's end: the last `lastSec`
 * seconds before the final `skipLastSec` (a profile is written at exit and covers every phase).
 */
export function windowOf(profile: Profile, lastSec: number, skipLastSec = 0): Profile {
  const end = (profile.endTime ?? 0) - skipLastSec * 1e6;
  const start = end - lastSec * 1e6;
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let t = profile.startTime ?? 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t > start && t <= end) {
      samples.push(id);
      timeDeltas.push(dt);
    }
  });
  return { ...profile, samples, timeDeltas };
}

/** which package a frame belongs to: a node_modules package, node itself, or ours */
export function packageOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m?.[1]) return m[1];
  if (url.startsWith("node:")) return "node:internal";
  return "kdumpwatch";
}

export function summarise(profile: Profile): {
  totalMs: number;
  frames: { name: string; ms: number }[];
  packages: { name: string; ms: number }[];
  /** native and node-internal time charged to the nearest package that called it */
  callers: { name: string; ms: number }[];
  /** our own functions with the time of everything they called (a sample counts once per name) */
  inclusive: { name: string; ms: number }[];
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownerOf = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (!f) break;
      const pkg = packageOf(f.url, f.functionName);
      if (pkg !== "(native)" && pkg !== "node:internal") return pkg;
    }
    return "(native)";
  };
  const callers = new Map<string, number>();
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const frameName = (f: ProfileNode["callFrame"]) => {
    const file = f.url.replace(/^.*\//, "");
    return `${f.functionName || "(anonymous)"} ${file ? `${file}:${f.lineNumber + 1}` : ""}`.trim();
  };
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    if (functionName === "(idle)") continue;
    total += us;
    const name = frameName(node.callFrame);
    frames.set(name, (frames.get(name) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (!f || packageOf(f.url, f.functionName) !== "kdumpwatch") continue;
      const n = frameName(f);
      if (seen.has(n)) continue;
      seen.add(n);
      inclusive.set(n, (inclusive.get(n) ?? 0) + us);
    }
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const owner = ownerOf(id);
    callers.set(owner, (callers.get(owner) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return {
    totalMs: total / 1000,
    frames: sorted(frames),
    packages: sorted(packages),
    callers: sorted(callers),
    inclusive: sorted(inclusive),
  };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: "string", default: "25" },
      last: { type: "string" },
      "skip-last": { type: "string", default: "0" },
    },
  });
  const file = positionals[0];
  if (!file)
    throw new Error("usage: profile-summary.ts FILE.cpuprofile [--top N] [--last SEC [--skip-last SEC]]");
  let profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  if (values.last) profile = windowOf(profile, Number(values.last), Number(values["skip-last"]));
  const { totalMs, frames, packages, callers, inclusive } = summarise(profile);
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(1)} %`;
  const top = Number(values.top);
  const lines = [
    `busy (non-idle) samples: ${(totalMs / 1000).toFixed(1)} s`,
    "",
    "| package | self time | share |",
    "|---|---:|---:|",
    ...packages.slice(0, 12).map((p) => `| ${p.name} | ${p.ms.toFixed(0)} ms | ${pct(p.ms)} |`),
    "",
    "| package, with the native and node-internal time it caused | self time | share |",
    "|---|---:|---:|",
    ...callers.slice(0, 12).map((p) => `| ${p.name} | ${p.ms.toFixed(0)} ms | ${pct(p.ms)} |`),
    "",
    "| function (self time) | ms | share |",
    "|---|---:|---:|",
    ...frames
      .slice(0, top)
      .map((f) => `| \`${f.name.replace(/\|/g, "\\|")}\` | ${f.ms.toFixed(0)} | ${pct(f.ms)} |`),
    "",
    "| our function, with everything it called | ms | share |",
    "|---|---:|---:|",
    ...inclusive
      .slice(0, top)
      .map((f) => `| \`${f.name.replace(/\|/g, "\\|")}\` | ${f.ms.toFixed(0)} | ${pct(f.ms)} |`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
