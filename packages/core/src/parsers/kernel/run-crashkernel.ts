import type { CrashkernelKind, CrashkernelOutcome } from "./crashkernel-evaluation.ts";
import { type CrashkernelScan, findCrashkernel } from "./find-crashkernel.ts";
import { type BehaviourGuess, normalizeArch } from "./kernel-behaviour.ts";
import {
  type KernelBehaviour,
  type KernelCrashkernelParse,
  parseCrashkernelLikeKernel,
} from "./parse-crashkernel.ts";

// One evaluation of the command line for one RAM size and one kernel behaviour, classified into
// the outcome vocabulary; `evaluateCrashkernel` runs it for every plausible kernel and RAM error.

/** RHEL 8 x86_64 `crashkernel=auto` table (RH-8; KU commit 34d27c4). */
const RHEL8_X86_AUTO = "1G-4G:160M,4G-64G:192M,64G-1T:256M,1T-:512M";

export interface CrashkernelRun {
  parse: KernelCrashkernelParse;
  kind: CrashkernelKind;
  outcome: CrashkernelOutcome;
  main: bigint | null;
  low: bigint | null;
  cma: bigint | null;
  messages: string[];
  /** the range list the kernel walked (the value itself, or RHEL's table for auto) */
  rangeValue: string | null;
}

function isAuto(scan: CrashkernelScan): boolean {
  return scan.plain?.value.startsWith("auto") ?? false;
}

function kindOf(parse: KernelCrashkernelParse, scan: CrashkernelScan): CrashkernelKind {
  const used = parse.used;
  if (used === null) return "none";
  if (used === scan.high) return "high";
  if (used.value.startsWith("auto")) return "auto";
  const colon = used.value.indexOf(":");
  return colon >= 0 ? "range" : "simple";
}

function classify(p: KernelCrashkernelParse, scan: CrashkernelScan, b: KernelBehaviour): CrashkernelOutcome {
  if (p.status === "ENOENT") {
    if (scan.high !== null && !b.highSupported) return "high-unsupported";
    if (scan.low !== null || scan.cma !== null) return "low-without-high";
    return "missing";
  }
  if (p.status === "ok") return "reserves";
  const warnings = p.messages.filter((m) => m.startsWith("crashkernel: "));
  if (warnings.includes("crashkernel: invalid size")) return "invalid-size";
  if (warnings.length > 0) return "parse-error";
  if (p.messages.includes("crashkernel size resulted in zero bytes") && p.selected === null)
    return "no-range-matched";
  if (p.crashSize === 0n) return "zero";
  return "size-exceeds-ram";
}

export function runCrashkernel(
  scanFor: (cma: boolean) => CrashkernelScan,
  ram: bigint,
  b: KernelBehaviour,
  rhelAuto: boolean,
  arch: string | null,
  el: number | null,
): CrashkernelRun {
  const scan = scanFor(b.cmaSuffix);
  let parse: KernelCrashkernelParse;
  let autoUnknown = false;
  let rangeValue: string | null = null;
  if (rhelAuto && isAuto(scan) && scan.plain !== null) {
    // RHEL kernels substitute a built-in range table for "auto" (domain.md §1.8)
    if (el === 8 && normalizeArch(arch) === "x86_64") {
      const p = scan.plain;
      const line = `${scan.line.slice(0, p.offset)}crashkernel=${RHEL8_X86_AUTO}${scan.line.slice(p.offset + p.token.length)}`;
      const substituted = findCrashkernel(line, { cmaSuffix: b.cmaSuffix }).value;
      parse = parseCrashkernelLikeKernel(line, ram, b, substituted);
      if (parse.used === substituted.plain) {
        parse.used = p;
        rangeValue = RHEL8_X86_AUTO;
      }
    } else {
      parse = parseCrashkernelLikeKernel(scan.line, ram, b, scan);
      autoUnknown = true;
    }
  } else {
    parse = parseCrashkernelLikeKernel(scan.line, ram, b, scan);
  }
  const kind = kindOf(parse, scan);
  if (kind === "range") rangeValue = parse.used?.value ?? null;
  let outcome = autoUnknown ? "unknown" : classify(parse, scan, b);
  const reserves = outcome === "reserves";
  const low = reserves ? (parse.high ? parse.lowSize : 0n) : 0n;
  let main: bigint | null = reserves ? parse.crashSize : 0n;
  let cma: bigint | null = reserves ? parse.cmaSize : 0n;
  if (outcome === "unknown") {
    main = null;
    cma = null;
  }
  if (autoUnknown) outcome = "unknown";
  return {
    parse,
    kind,
    outcome,
    main,
    low: outcome === "unknown" ? null : low,
    cma,
    messages: autoUnknown ? [] : [...parse.messages, ...parse.cmaMessages],
    rangeValue,
  };
}

export function runKey(r: CrashkernelRun): string {
  return [r.outcome, r.main, r.low, r.cma, r.messages.join("|")].join(";");
}

/** Every combination of the unknown behaviour switches; the first one is the most likely (modern) kernel. */
export function behaviourCombinations(g: BehaviourGuess): KernelBehaviour[] {
  const opts = (m: boolean | null, likely: boolean): boolean[] => (m === null ? [likely, !likely] : [m]);
  const out: KernelBehaviour[] = [];
  for (const roundRam of opts(g.roundRam, true))
    for (const cmaSuffix of opts(g.cmaSuffix, true))
      for (const highSupported of opts(g.highSupported, true))
        for (const legacyX86 of opts(g.legacyX86, false))
          out.push({ roundRam, cmaSuffix, highSupported, legacyX86, defaultLowBytes: g.defaultLowBytes });
  return out;
}
