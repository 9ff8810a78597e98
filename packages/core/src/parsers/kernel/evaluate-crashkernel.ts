import { type ByteCount, isByteCount, toByteCount } from "../../byte-count.ts";
import type { ParseIssue } from "../issue.ts";
import type { CrashkernelBehaviour } from "./crashkernel-behaviour.ts";
import type {
  CrashkernelEvaluation,
  CrashkernelInput,
  CrashkernelRange,
  UncertainReason,
} from "./crashkernel-evaluation.ts";
import { crashkernelFindings } from "./crashkernel-findings.ts";
import { type CrashkernelScan, findCrashkernel } from "./find-crashkernel.ts";
import { resolveKernelBehaviour } from "./kernel-behaviour.ts";
import { listCrashkernelRanges, type RangeEntry } from "./parse-crashkernel.ts";
import { type RunContext, runCrashkernel, runKey, swiotlbCache } from "./run-crashkernel.ts";

export type {
  CrashkernelEvaluation,
  CrashkernelInput,
} from "./crashkernel-evaluation.ts";

const MIB = 1n << 20n;
const SZ_128M = 128n * MIB;
const FOUR_GIB = 1n << 32n;
const MAX_SAMPLED_ENTRIES = 64;
const HUGE = 1n << 80n;

/** A byte input as an exact bigint: a ByteCount, a bigint, or a non-negative number. */
function readBytes(v: ByteCount | bigint | null | undefined): bigint | null | "bad" {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v >= 0n ? v : "bad";
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? BigInt(Math.floor(v)) : "bad";
  return isByteCount(v) ? BigInt(v) : "bad";
}

/** RAM values within the error window where the result can change (range/size boundaries, 128 MiB steps). */
function ramSamples(ram: bigint, up: bigint, boundaries: bigint[]): bigint[] {
  const lo = ram > SZ_128M ? ram - SZ_128M : 0n;
  const hi = ram + up;
  const points = new Set<bigint>([lo, hi]);
  const add = (t: bigint): void => {
    if (t >= lo && t <= hi) points.add(t);
  };
  for (const b of boundaries) {
    add(b - 1n);
    add(b);
    add(b + 1n);
    const k = (b + SZ_128M - 1n) / SZ_128M - 1n; // roundup(t) >= b  ⇔  t > k·128M
    add(k * SZ_128M);
    add(k * SZ_128M + 1n);
  }
  return [...points];
}

/** `isRhelAutoKernel` overrides what the model says about `crashkernel=auto`. */
function withAuto(b: CrashkernelBehaviour, rhelAuto: boolean | null | undefined): CrashkernelBehaviour {
  if (rhelAuto === false) return { ...b, auto: "none" };
  if (rhelAuto === true && b.auto === "none") return { ...b, auto: "unmodelled" };
  return b;
}

/**
 * Decides what the kernel does with the `crashkernel=` of this command line on this host, by the
 * rules of the kernel the host runs (crashkernel-model.ts): last plain token wins, `,high` only
 * without a plain value (or also after a failed one, x86 before v6.7), `,low` only with `,high`,
 * memparse units, ranges against RAM rounded up to 128 MiB (v6.0+, raw before), the "invalid size"
 * abort, size ≥ RAM, `auto` only on RHEL 6–8, `0` silent — then where the region goes and which
 * low region comes with it (placement above 4 GiB, fallback, `@offset`, `swiotlb=`). Never throws.
 * Where kernels the release may stand for disagree, or RAM within 128 MiB of a boundary would
 * change the answer, the result is `uncertain` and says why.
 */
export function evaluateCrashkernel(input: CrashkernelInput): CrashkernelEvaluation {
  const cmdline = typeof input?.cmdline === "string" ? input.cmdline : "";
  const scans = new Map<boolean, { value: CrashkernelScan; issues: ParseIssue[] }>();
  const scanFor = (cma: boolean): CrashkernelScan => {
    let s = scans.get(cma);
    if (!s) {
      s = findCrashkernel(cmdline, { cmaSuffix: cma });
      scans.set(cma, s);
    }
    return s.value;
  };
  const issues: ParseIssue[] = [];
  let ram = readBytes(input?.systemRamBytes);
  if (ram === "bad") {
    issues.push({ code: "bad-ram", message: "systemRamBytes is not a byte count; treated as unknown" });
    ram = null;
  }
  const observed = readBytes(input?.observedMainBase);
  const release = typeof input?.kernelVersion === "string" ? input.kernelVersion : null;
  const arch = typeof input?.arch === "string" ? input.arch : null;
  const resolved = resolveKernelBehaviour(release, arch);
  const candidates = resolved.candidates.map((b) => withAuto(b, input?.isRhelAutoKernel));
  const primary = candidates[0] as CrashkernelBehaviour;
  const ctx: RunContext = {
    scanFor,
    swiotlbFor: swiotlbCache(cmdline),
    layout: {
      ramAbove4G: input?.ramAbove4G ?? (ram !== null && ram > FOUR_GIB ? true : null),
      observedMainBase: typeof observed === "bigint" ? observed : null,
    },
  };

  const effRam = ram ?? HUGE;
  const nominal = runCrashkernel(ctx, effRam, primary);
  const scan = scanFor(primary.cmaSuffix);
  issues.push(...(scans.get(primary.cmaSuffix)?.issues ?? []));
  const reasons = new Set<UncertainReason>();

  // kernel uncertainty: same RAM, every behaviour this kernel may have
  const key = runKey(nominal);
  const differs = (b: CrashkernelBehaviour, t: bigint): boolean => runKey(runCrashkernel(ctx, t, b)) !== key;
  // candidates[0] is `primary`, whose run at this RAM is `nominal` itself
  if (candidates.slice(1).some((b) => differs(b, effRam)))
    reasons.add(resolved.known ? "kernel-version-ambiguous" : "kernel-version-unknown");

  // RAM uncertainty
  const usesRam = nominal.kind === "range" || nominal.kind === "auto" || nominal.parse.totalMem !== null;
  if (ram === null) {
    if (!["missing", "low-without-high", "high-unsupported"].includes(nominal.outcome))
      reasons.add("ram-unknown");
  } else {
    if (input.ramSource === "meminfo" && usesRam) reasons.add("ram-imprecise");
    const entries: RangeEntry[] =
      nominal.rangeValue === null ? [] : listCrashkernelRanges(nominal.rangeValue);
    const boundaries: bigint[] = [nominal.parse.crashSize];
    for (const e of entries.slice(0, MAX_SAMPLED_ENTRIES)) {
      boundaries.push(e.start, e.size);
      if (e.end !== null) boundaries.push(e.end);
    }
    const up = SZ_128M + (input.ramSource === "meminfo" ? ram / 8n : 0n);
    if (ramSamples(ram, up, boundaries).some((t) => differs(primary, t))) reasons.add("ram-near-boundary");
  }
  if (nominal.outcome === "unknown" && nominal.kind === "auto") reasons.add("auto-size-unknown");
  const place = nominal.place;
  if (nominal.outcome === "reserves" && place !== null) {
    if (nominal.parse.high && place.placement === null) reasons.add("placement-unknown");
    if (nominal.low === null || nominal.expected === null) reasons.add("low-size-unknown");
  }

  // ranges of the used value, marked for this RAM
  const p = nominal.parse;
  const ranges: CrashkernelRange[] = listCrashkernelRanges(nominal.rangeValue ?? "").map((e, i) => ({
    raw: e.raw,
    startBytes: toByteCount(e.start) ?? 0,
    endBytes: e.end === null ? null : toByteCount(e.end),
    sizeBytes: toByteCount(e.size) ?? 0,
    visited: ram !== null && i < p.visited.length,
    selected: ram !== null && p.selected === i,
  }));

  let { outcome, main, low, cma, messages, expected, expectedMax } = nominal;
  if (ram === null && nominal.rangeValue !== null && outcome !== "parse-error") {
    // with unknown RAM no entry can be picked; syntax errors are still reported
    outcome = "unknown";
    main = low = cma = expected = expectedMax = null;
    messages = messages.filter((m) => m !== "crashkernel size resulted in zero bytes");
  }
  const reserves = outcome === "reserves" && place !== null;
  const fallbackLow =
    reserves && !p.high && place.alternatives.some((a) => a.placement === "above-4g")
      ? place.lowIfAbove
      : null;
  return {
    effective: p.used?.value ?? null,
    kind: nominal.kind,
    outcome,
    expectedBytes: toByteCount(expected),
    expectedMaxBytes: toByteCount(expectedMax),
    mainBytes: toByteCount(main),
    lowBytes: toByteCount(low),
    fallbackLowBytes: toByteCount(fallbackLow),
    placement: reserves ? place.placement : null,
    cmaBytes: toByteCount(cma),
    offsetBytes: outcome === "reserves" && p.crashBase > 0n ? toByteCount(p.crashBase) : null,
    kernelMessage: messages.find((m) => /^(?:crashkernel|crahskernel): /.test(m)) ?? messages[0] ?? null,
    kernelMessages: messages,
    ranges,
    selectedRange: ram === null ? null : p.selected,
    comparedRamBytes: ram === null || p.totalMem === null ? null : toByteCount(p.totalMem),
    kernelModel: resolved.rows.map((r) => r.source),
    uncertain: reasons.size > 0,
    uncertainReasons: [...reasons],
    findings: crashkernelFindings(
      scan,
      nominal,
      primary.auto !== "none",
      release !== null || typeof input?.isRhelAutoKernel === "boolean",
    ),
    scan,
    issues,
  };
}
