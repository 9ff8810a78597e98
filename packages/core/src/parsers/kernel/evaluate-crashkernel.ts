import type { ParseIssue } from "../issue.ts";
import type {
  CrashkernelEvaluation,
  CrashkernelInput,
  CrashkernelRange,
  UncertainReason,
} from "./crashkernel-evaluation.ts";
import { crashkernelFindings } from "./crashkernel-findings.ts";
import { type CrashkernelScan, findCrashkernel } from "./find-crashkernel.ts";
import { guessKernelBehaviour } from "./kernel-behaviour.ts";
import { parseKernelRelease } from "./kernel-release.ts";
import { type KernelBehaviour, listCrashkernelRanges, type RangeEntry } from "./parse-crashkernel.ts";
import { behaviourCombinations, runCrashkernel, runKey } from "./run-crashkernel.ts";

export type {
  CrashkernelEvaluation,
  CrashkernelFinding,
  CrashkernelFindingCode,
  CrashkernelInput,
  CrashkernelKind,
  CrashkernelOutcome,
  CrashkernelRange,
  RamSource,
  UncertainReason,
} from "./crashkernel-evaluation.ts";

const MIB = 1n << 20n;
const SZ_128M = 128n * MIB;
const MAX_SAMPLED_ENTRIES = 64;
const HUGE = 1n << 80n;

function toNumber(v: bigint | null): number | null {
  return v === null ? null : Number(v);
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

/**
 * Decides what the kernel does with the `crashkernel=` of this command line on this host, by the
 * kernel's own rules (domain.md §1.2–1.9): last plain token wins, `,high` only without a plain value,
 * `,low` only with `,high`, memparse units, ranges against RAM rounded up to 128 MiB (≥ approx. 6.0,
 * raw before), the "invalid size" abort, size ≥ RAM, `auto` only on RHEL 6–8, `0` silent.
 * Never throws. When the kernel release is unknown every plausible behaviour is evaluated and the
 * result is `uncertain` if they disagree; likewise for RAM within 128 MiB of a boundary.
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
  const rawRam = input?.systemRamBytes;
  let ram: bigint | null = null;
  if (typeof rawRam === "number" && Number.isFinite(rawRam) && rawRam >= 0) ram = BigInt(Math.floor(rawRam));
  else if (rawRam !== null && rawRam !== undefined) {
    issues.push({
      code: "bad-ram",
      message: "systemRamBytes is not a non-negative number; treated as unknown",
    });
  }
  const release = typeof input?.kernelVersion === "string" ? input.kernelVersion : null;
  const arch = typeof input?.arch === "string" ? input.arch : null;
  const el = parseKernelRelease(release)?.el ?? null;
  const guess = guessKernelBehaviour(release, arch);
  const all = behaviourCombinations(guess);
  const primary = all[0] as KernelBehaviour;
  let rhelAuto: boolean | null =
    typeof input?.isRhelAutoKernel === "boolean"
      ? input.isRhelAutoKernel
      : release === null
        ? null
        : el !== null && el >= 6 && el <= 8;
  const autoChoices = rhelAuto === null ? [false, true] : [rhelAuto];
  rhelAuto ??= false;

  const effRam = ram ?? HUGE;
  const nominal = runCrashkernel(scanFor, effRam, primary, rhelAuto, arch, el);
  const scan = scanFor(primary.cmaSuffix);
  issues.push(...(scans.get(primary.cmaSuffix)?.issues ?? []));
  const reasons = new Set<UncertainReason>();

  // kernel-version uncertainty: same RAM, every plausible behaviour
  const key = runKey(nominal);
  const differs = (b: KernelBehaviour, auto: boolean, t: bigint): boolean =>
    runKey(runCrashkernel(scanFor, t, b, auto, arch, el)) !== key;
  if (all.some((b) => autoChoices.some((auto) => differs(b, auto, effRam))))
    reasons.add("kernel-version-unknown");

  // RAM uncertainty
  const usesRam = nominal.kind === "range" || nominal.kind === "auto" || nominal.parse.totalMem !== null;
  if (ram === null) {
    if (
      nominal.outcome !== "missing" &&
      nominal.outcome !== "low-without-high" &&
      nominal.outcome !== "high-unsupported"
    ) {
      reasons.add("ram-unknown");
    }
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
    if (ramSamples(ram, up, boundaries).some((t) => differs(primary, rhelAuto, t)))
      reasons.add("ram-near-boundary");
  }
  if (nominal.outcome === "unknown" && nominal.kind === "auto") reasons.add("auto-size-unknown");
  if (nominal.outcome === "reserves" && nominal.low === null) reasons.add("low-size-unknown");

  // ranges of the used value, marked for this RAM
  const p = nominal.parse;
  const ranges: CrashkernelRange[] = listCrashkernelRanges(nominal.rangeValue ?? "").map((e, i) => ({
    raw: e.raw,
    startBytes: Number(e.start),
    endBytes: e.end === null ? null : Number(e.end),
    sizeBytes: Number(e.size),
    visited: ram !== null && i < p.visited.length,
    selected: ram !== null && p.selected === i,
  }));

  let outcome = nominal.outcome;
  let main = nominal.main;
  let low = nominal.low;
  let cma = nominal.cma;
  let messages = nominal.messages;
  if (ram === null && nominal.rangeValue !== null && outcome !== "parse-error") {
    // with unknown RAM no entry can be picked; syntax errors are still reported
    outcome = "unknown";
    main = null;
    low = null;
    cma = null;
    messages = messages.filter((m) => m !== "crashkernel size resulted in zero bytes");
  }
  const expected = main === null || low === null ? null : main + low;
  return {
    effective: p.used?.value ?? null,
    kind: nominal.kind,
    outcome,
    expectedBytes: toNumber(expected),
    mainBytes: toNumber(main),
    lowBytes: toNumber(low),
    fallbackLowBytes:
      outcome === "reserves" && nominal.kind !== "high" && p.crashBase === 0n && primary.highSupported
        ? toNumber(guess.defaultLowBytes)
        : null,
    cmaBytes: toNumber(cma),
    offsetBytes: outcome === "reserves" && p.crashBase > 0n ? Number(p.crashBase) : null,
    kernelMessage: messages.find((m) => m.startsWith("crashkernel: ")) ?? messages[0] ?? null,
    kernelMessages: messages,
    ranges,
    selectedRange: ram === null ? null : p.selected,
    comparedRamBytes: ram === null || p.totalMem === null ? null : Number(p.totalMem),
    uncertain: reasons.size > 0,
    uncertainReasons: [...reasons],
    findings: crashkernelFindings(
      scan,
      nominal,
      rhelAuto,
      release !== null || typeof input?.isRhelAutoKernel === "boolean",
    ),
    scan,
    issues,
  };
}
