import { type CrashkernelBehaviour, defaultLowBytes } from "./crashkernel-behaviour.ts";
import type { CrashkernelKind, CrashkernelOutcome } from "./crashkernel-evaluation.ts";
import { type CrashkernelScan, findCrashkernel } from "./find-crashkernel.ts";
import { type KernelCrashkernelParse, parseCrashkernelLikeKernel } from "./parse-crashkernel.ts";
import { type CrashkernelPlacement, type HostLayout, placeCrashkernel } from "./place-crashkernel.ts";
import { swiotlbBytes } from "./swiotlb-size.ts";

// One evaluation of the command line for one RAM size and one kernel behaviour, classified into
// the outcome vocabulary; `evaluateCrashkernel` runs it for every behaviour the kernel may have.

/** RHEL 8 x86_64 `crashkernel=auto` table (RHEL 8 documentation; kexec-tools commit 34d27c4). */
const RHEL8_X86_AUTO = "1G-4G:160M,4G-64G:192M,64G-1T:256M,1T-:512M";

export interface RunContext {
  /** the scan of the command line, with or without `,cma` as a known suffix */
  scanFor: (cma: boolean) => CrashkernelScan;
  layout: HostLayout;
  /** swiotlb_size_or_default() for kernels with / without swiotlb areas */
  swiotlbFor: (areas: boolean) => bigint;
}

export interface CrashkernelRun {
  parse: KernelCrashkernelParse;
  kind: CrashkernelKind;
  outcome: CrashkernelOutcome;
  main: bigint | null;
  /** the low region of a `,high` value (given or default); 0 for plain values */
  low: bigint | null;
  cma: bigint | null;
  /** where and how much: null unless the value is accepted */
  place: CrashkernelPlacement | null;
  /** bytes for the likeliest placement; the fewest that can be reserved when it is undetermined */
  expected: bigint | null;
  /** the most that can be reserved (a fallback above 4 GiB brings a low region) */
  expectedMax: bigint | null;
  messages: string[];
  /** the range list the kernel walked (the value itself, or RHEL's table for auto) */
  rangeValue: string | null;
  behaviour: CrashkernelBehaviour;
}

function kindOf(parse: KernelCrashkernelParse, scan: CrashkernelScan): CrashkernelKind {
  const used = parse.used;
  if (used === null) return "none";
  if (used === scan.high) return "high";
  if (used.value.startsWith("auto")) return "auto";
  const colon = used.value.indexOf(":");
  return colon >= 0 ? "range" : "simple";
}

function classify(
  p: KernelCrashkernelParse,
  scan: CrashkernelScan,
  b: CrashkernelBehaviour,
): CrashkernelOutcome {
  if (p.status === "ENOENT") {
    if (scan.high !== null && b.high === "none") return "high-unsupported";
    if (scan.low !== null || scan.cma !== null) return "low-without-high";
    return "missing";
  }
  if (p.status === "ok") return "reserves";
  const warnings = p.messages.filter((m) => m !== "crashkernel size resulted in zero bytes");
  if (warnings.includes("crashkernel: invalid size")) return "invalid-size";
  if (warnings.length > 0) return "parse-error";
  if (p.messages.includes("crashkernel size resulted in zero bytes") && p.selected === null)
    return "no-range-matched";
  if (p.crashSize === 0n) return "zero";
  return "size-exceeds-ram";
}

function parseRun(ctx: RunContext, ram: bigint, b: CrashkernelBehaviour, defaultLow: bigint | null) {
  const scan = ctx.scanFor(b.cmaSuffix);
  if (b.auto !== "none" && scan.plain?.value.startsWith("auto")) {
    if (b.auto === "unmodelled") {
      return {
        scan,
        rangeValue: null,
        autoUnknown: true,
        parse: parseCrashkernelLikeKernel(scan.line, ram, b, defaultLow, scan),
      };
    }
    // RHEL kernels substitute a built-in range table for "auto"
    const p = scan.plain;
    const line = `${scan.line.slice(0, p.offset)}crashkernel=${RHEL8_X86_AUTO}${scan.line.slice(p.offset + p.token.length)}`;
    const substituted = findCrashkernel(line, { cmaSuffix: b.cmaSuffix }).value;
    const parse = parseCrashkernelLikeKernel(line, ram, b, defaultLow, substituted);
    const usedAuto = parse.used === substituted.plain;
    // the parse ran on the substituted line: report the original line's token it used (the
    // kernel may go on from an auto that sizes to nothing to a `,high` value, x86 before v6.7)
    if (usedAuto) parse.used = p;
    else if (parse.used === substituted.high) parse.used = scan.high;
    else if (parse.used === substituted.low) parse.used = scan.low;
    else if (parse.used === substituted.cma) parse.used = scan.cma;
    return { scan, rangeValue: usedAuto ? RHEL8_X86_AUTO : null, autoUnknown: false, parse };
  }
  return {
    scan,
    rangeValue: null,
    autoUnknown: false,
    parse: parseCrashkernelLikeKernel(scan.line, ram, b, defaultLow, scan),
  };
}

export function runCrashkernel(ctx: RunContext, ram: bigint, b: CrashkernelBehaviour): CrashkernelRun {
  const defaultLow = defaultLowBytes(b, ctx.swiotlbFor(b.swiotlbAreas));
  const { scan, parse, autoUnknown, rangeValue: autoRange } = parseRun(ctx, ram, b, defaultLow);
  const kind = kindOf(parse, scan);
  const rangeValue = kind === "range" ? (parse.used?.value ?? null) : autoRange;
  const base: RunBase = { parse, kind, rangeValue, behaviour: b };
  if (autoUnknown) {
    return run(base, null, {
      outcome: "unknown",
      main: null,
      low: null,
      cma: null,
      expected: null,
      expectedMax: null,
      messages: [],
    });
  }
  let outcome = classify(parse, scan, b);
  const messages = [...parse.messages, ...parse.cmaMessages];
  if (outcome !== "reserves") {
    return run(base, null, { outcome, main: 0n, low: 0n, cma: 0n, expected: 0n, expectedMax: 0n, messages });
  }
  const place = placeCrashkernel(parse, b, ram, ctx.layout, defaultLow);
  if (place.failure !== null) {
    outcome = place.failure;
    if (place.failureMessage !== null) messages.push(place.failureMessage);
    // nothing is reserved; `main` keeps the size the kernel accepted and failed to place
    return run(base, place, {
      outcome,
      main: parse.crashSize,
      low: 0n,
      cma: 0n,
      expected: 0n,
      expectedMax: 0n,
      messages,
    });
  }
  const bytes = place.alternatives.map((a) => a.bytes);
  const known = bytes.every((x): x is bigint => x !== null);
  const chosen = place.alternatives.find((a) => a.placement === place.placement);
  let expected: bigint | null = null;
  const sorted = known ? [...bytes].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) : [];
  if (chosen !== undefined) expected = chosen.bytes;
  else if (known) expected = sorted[0] ?? null;
  return run(base, place, {
    outcome,
    main: parse.crashSize,
    low: parse.high ? parse.lowSize : 0n,
    cma: parse.cmaSize,
    expected,
    expectedMax: sorted.at(-1) ?? null,
    messages,
  });
}

type RunBase = Pick<CrashkernelRun, "parse" | "kind" | "rangeValue" | "behaviour">;
type RunResult = Omit<CrashkernelRun, keyof RunBase | "place">;

/**
 * A run, field by field rather than by object spread: evaluateCrashkernel runs the command line
 * for every kernel behaviour and every RAM size near a boundary, and the spreads were the largest
 * part of each run (issue 13).
 */
function run(base: RunBase, place: CrashkernelPlacement | null, r: RunResult): CrashkernelRun {
  return {
    parse: base.parse,
    kind: base.kind,
    rangeValue: base.rangeValue,
    behaviour: base.behaviour,
    place,
    outcome: r.outcome,
    main: r.main,
    low: r.low,
    cma: r.cma,
    expected: r.expected,
    expectedMax: r.expectedMax,
    messages: r.messages,
  };
}

export function runKey(r: CrashkernelRun): string {
  return [r.outcome, r.main, r.low, r.cma, r.expected, r.place?.placement, r.messages.join("|")].join(";");
}

export function swiotlbCache(cmdline: string): (areas: boolean) => bigint {
  const cache = new Map<boolean, bigint>();
  return (areas) => {
    let v = cache.get(areas);
    if (v === undefined) {
      v = swiotlbBytes(cmdline, { areas });
      cache.set(areas, v);
    }
    return v;
  };
}
