/**
 * How core's linear-time tests measure a parser's work (packages/core/src/parsers/linear-time*.test.ts):
 * the CPU time of this process for an input and for 64× that input, compared as a ratio.
 *
 * Work is CPU time of this process (not wall-clock time: the machine is shared), and only a ratio
 * is asserted: 64× the input may cost at most 1024× the work, never the 4096× of a quadratic pass.
 *
 * Why 64× and 1024: the CPU time per byte of a linear parser is not constant across sizes. Measured
 * for parseMokutilSbState on kernel log lines, alone on the machine: 2.8–3.0 µs/KiB from 128 KiB to
 * 1 MiB, 9.5–10.1 µs/KiB at 2 and 4 MiB — a cliff where the input and the line objects leave the
 * CPU's caches, and where it lies moves with what the heap holds. Comparing 128 KiB with 1 MiB (8×,
 * limit 24) straddled it: linear parsers measured ×27–35 on line-heavy shapes, alone, in CI and
 * here. Over 64× the cliff costs at most about ×5 (linear parsers measured up to ×314), while a
 * quadratic pass grows 4096×: the limit of 1024 leaves a factor of 3 to 4 on either side.
 */
import type { TextParser } from "./hostile-text.ts";

export const KIB = 1024;

/** 64× the input: a linear parser costs about 64×, a quadratic one 4096×; the limit lies between. */
export const MEASURE = { factor: 64, limit: 1024 } as const;

/** CPU milliseconds of one run: repeated until `minMs` are spent, so fast parsers are measured too. */
function cpuMs(run: () => void, minMs = 10): number {
  const start = process.cpuUsage();
  let runs = 0;
  let used = 0;
  do {
    run();
    runs++;
    const d = process.cpuUsage(start);
    used = (d.user + d.system) / 1000;
  } while (used < minMs && runs < 10_000);
  return used / runs;
}

export interface WorkRatioOptions {
  /** the smaller input's length */
  n: number;
  factor?: number;
  limit?: number;
  /** which side of `limit` noise can wrongly put the ratio on, and so which side is measured again */
  expected?: "linear" | "quadratic";
}

/**
 * Work at `factor`·n over work at n; measured again (up to five times, best of each size kept)
 * while the ratio is on the side of `limit` that noise can put it: above it for a parser expected
 * to be linear (a descheduled or cache-cold large run), at or below it for the self-test's
 * quadratic pass (a slowed small run). Either way the same limit decides.
 *
 * For a parser expected to be linear, a quick measurement (2 ms of runs per size instead of 10;
 * most parsers take well under 2 ms for 1 MiB) comes first, and stands only when it is at most half
 * the limit: there the careful one could only agree. Anywhere nearer the limit the careful one decides.
 */
export function workRatio(
  parse: TextParser,
  make: (size: number) => string,
  { n, factor = MEASURE.factor, limit = MEASURE.limit, expected = "linear" }: WorkRatioOptions,
): number {
  const small = make(n);
  const large = make(factor * n);
  if (expected === "linear") {
    cpuMs(() => parse(small), 2); // compiled before it is measured: a cold small run would flatter the ratio
    const quickSmall = cpuMs(() => parse(small), 2);
    const quick = cpuMs(() => parse(large), 2) / Math.max(quickSmall, 1e-6);
    if (quick <= limit / 2) return quick;
  }
  let a = Number.POSITIVE_INFINITY;
  let b = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5; attempt++) {
    a = Math.min(
      a,
      cpuMs(() => parse(small)),
    );
    b = Math.min(
      b,
      cpuMs(() => parse(large)),
    );
    const ratio = b / Math.max(a, 1e-6);
    if (expected === "linear" ? ratio <= limit : ratio > limit) break;
  }
  return b / Math.max(a, 1e-6);
}

/**
 * The parsers (of `parsers`) whose work on the shape `make` grows more than the limit from 16 KiB to
 * 1 MiB, each as `name ×ratio`: empty when every one is linear on it.
 */
export function slowOnShape(
  parsers: readonly (readonly [string, TextParser])[],
  make: (size: number) => string,
): string[] {
  const slow: string[] = [];
  for (const [name, parse] of parsers) {
    const ratio = workRatio(parse, make, { n: 16 * KIB });
    if (ratio > MEASURE.limit) slow.push(`${name} ×${ratio.toFixed(1)}`);
  }
  return slow;
}
