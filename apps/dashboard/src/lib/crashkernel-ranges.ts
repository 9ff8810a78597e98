/**
 * The range table of a `crashkernel=` value (domain.md §1.5): every `start-[end]:size` entry and
 * what the kernel does with each for this host's RAM. The evaluation is core's port of the kernel's
 * parser (`evaluateCrashkernel`, through the package index), run on the host's own `/proc/cmdline`,
 * so the table agrees with the server's judgement; this file only turns its answer into rows.
 */
import {
  type ByteCount,
  type CrashkernelEvaluation,
  evaluateCrashkernel,
  RAM_SOURCES,
  type RamSource,
} from "@kdumpwatch/core";

type RangeState = "selected" | "skipped" | "not-reached" | "invalid";

interface RangeRow {
  raw: string;
  startBytes: ByteCount;
  endBytes: ByteCount | null;
  sizeBytes: ByteCount;
  state: RangeState;
}

export interface RangeTable {
  ranges: RangeRow[];
  /** RAM as the kernel compares it (after rounding), null when RAM is unknown */
  comparedBytes: ByteCount | null;
  /** the kernel rounds RAM up to 128 MiB before comparing (approx. v6.0+) */
  rounded: boolean;
  outcome: CrashkernelEvaluation["outcome"];
  /** what the kernel prints while parsing, e.g. `crashkernel: invalid size` */
  messages: string[];
}

export interface RangeInput {
  /** the host's `/proc/cmdline`; null when not reported (then the effective value alone is used) */
  cmdline: string | null;
  effective: string | null;
  ramBytes: ByteCount | null;
  ramSource: string | null;
  kernel: string | null;
  arch: string | null;
}

function ramSource(value: string | null): RamSource | null {
  return (RAM_SOURCES as readonly string[]).includes(value ?? "") ? (value as RamSource) : null;
}

export function crashkernelRanges(input: RangeInput): RangeTable | null {
  const cmdline = input.cmdline ?? (input.effective === null ? null : `crashkernel=${input.effective}`);
  if (cmdline === null) return null;
  const e = evaluateCrashkernel({
    cmdline,
    systemRamBytes: input.ramBytes,
    ramSource: ramSource(input.ramSource),
    kernelVersion: input.kernel,
    arch: input.arch,
  });
  if (e.ranges.length === 0) return null;
  const lastVisited = e.ranges.findLastIndex((r) => r.visited);
  const ranges = e.ranges.map((r, i): RangeRow => {
    let state: RangeState;
    if (r.selected) state = "selected";
    else if (!r.visited) state = "not-reached";
    else if (e.outcome === "invalid-size" && i === lastVisited) state = "invalid";
    else state = "skipped";
    return { raw: r.raw, startBytes: r.startBytes, endBytes: r.endBytes, sizeBytes: r.sizeBytes, state };
  });
  return {
    ranges,
    comparedBytes: e.comparedRamBytes,
    rounded: e.comparedRamBytes !== null && input.ramBytes !== null && e.comparedRamBytes !== input.ramBytes,
    outcome: e.outcome,
    messages: e.kernelMessages,
  };
}
