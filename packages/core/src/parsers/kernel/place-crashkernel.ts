import type { CrashkernelBehaviour } from "./crashkernel-behaviour.ts";
import type { KernelCrashkernelParse } from "./parse-crashkernel.ts";

/**
 * Where the kernel puts an accepted `crashkernel=` and whether a low region comes with it: the
 * architecture half of the reservation (reserve_crashkernel() in arch/x86/kernel/setup.c and
 * arch/arm64/mm/init.c before v6.7, reserve_crashkernel_generic() in kernel/crash_core.c since).
 * A region at or above 4 GiB (CRASH_ADDR_LOW_MAX) gets a low region for DMA; one below does not.
 * So `crashkernel=512M,high` on a VM without RAM above 4 GiB reserves 512 MiB, not 768 MiB.
 */

export interface HostLayout {
  /** RAM exists at or above 4 GiB (iomem, the boot memory map, or more than 4 GiB of RAM); null: unknown */
  ramAbove4G: boolean | null;
  /** start of the main crash region as observed now (iomem, boot log); null when not seen */
  observedMainBase: bigint | null;
}

export type Placement = "below-4g" | "above-4g";

export interface CrashkernelPlacement {
  /** where the main region goes (the likeliest place); null when it cannot be told */
  placement: Placement | null;
  /** the low region that comes with a placement at or above 4 GiB; 0: none; null: unknown */
  lowIfAbove: bigint | null;
  /** every placement that can happen, with the bytes it reserves (null: unknown low size) */
  alternatives: { placement: Placement; bytes: bigint | null }[];
  /** nothing is reserved although the value parsed */
  failure: "cannot-place" | "too-large" | null;
  /** what the kernel logs for that failure */
  failureMessage: string | null;
}

const MIB = 1n << 20n;
const FOUR_GIB = 1n << 32n;
/** CRASH_ALIGN of x86 (16 MiB): the low search runs from there up to the window */
const X86_ALIGN = 16n * MIB;

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

function lowFailure(b: CrashkernelBehaviour, low: bigint): string {
  return b.fallbackLow === "low-param"
    ? `Cannot reserve ${low >> 20n}MB crashkernel low memory, please try smaller size.`
    : `cannot allocate crashkernel low memory (size:${hex(low)}).`;
}

export function placeCrashkernel(
  p: KernelCrashkernelParse,
  b: CrashkernelBehaviour,
  ram: bigint,
  layout: HostLayout,
  defaultLow: bigint | null,
): CrashkernelPlacement {
  const main = p.crashSize;
  // reserve_crashkernel_low() of x86 before v6.7: crashkernel=Y,low when it parses, else the default
  const legacyLow = p.lowParam ?? defaultLow;
  const observedAbove = layout.observedMainBase === null ? null : layout.observedMainBase >= FOUR_GIB;
  let canBelow: boolean;
  let canAbove: boolean;
  let lowIfAbove: bigint | null;
  let primary: Placement | null;
  // architectures without a low window (ppc64, s390x) place the region their own way, never with a low region
  const noWindow = !p.high && p.crashBase === 0n && b.plainWindow === "none" && observedAbove === null;
  if (p.high) {
    lowIfAbove = p.lowSize;
    canAbove = observedAbove ?? layout.ramAbove4G !== false;
    canBelow = observedAbove === null ? layout.ramAbove4G !== true : !observedAbove;
    primary = canAbove && canBelow ? null : canAbove ? "above-4g" : "below-4g";
  } else if (p.crashBase > 0n) {
    canAbove = p.crashBase >= FOUR_GIB;
    canBelow = !canAbove;
    lowIfAbove = b.fixedAboveLow ? legacyLow : 0n;
    primary = canAbove ? "above-4g" : "below-4g";
  } else {
    const window = b.plainWindow === "896M" ? 896n * MIB : b.plainWindow === "4G" ? FOUR_GIB : null;
    const fits = window === null || main <= window - X86_ALIGN;
    lowIfAbove = !b.plainFallback ? 0n : b.fallbackLow === "low-param" ? legacyLow : defaultLow;
    canBelow = observedAbove === null ? fits && (layout.ramAbove4G !== false || main < ram) : !observedAbove;
    canAbove = observedAbove ?? (b.plainFallback && layout.ramAbove4G !== false && !fits);
    // a value that fits below may still land above when low memory is taken: possible, not expected
    const fallbackPossible = observedAbove === null && fits && b.plainFallback && layout.ramAbove4G !== false;
    primary = canBelow ? "below-4g" : canAbove ? "above-4g" : null;
    if (fallbackPossible) canAbove = true;
    if (!canBelow && !canAbove) {
      return {
        placement: null,
        lowIfAbove,
        alternatives: [],
        failure: "cannot-place",
        failureMessage:
          b.fallbackLow === "low-param"
            ? "crashkernel reservation failed - No suitable area found."
            : `cannot allocate crashkernel (size:${hex(main)})`,
      };
    }
  }
  const alternatives: CrashkernelPlacement["alternatives"] = [];
  let tooLarge: string | null = null;
  if (canBelow) alternatives.push({ placement: "below-4g", bytes: main });
  if (canAbove) {
    const low = lowIfAbove;
    if (low !== null && low > 0n && (low >= FOUR_GIB || main + low >= ram)) tooLarge = lowFailure(b, low);
    else alternatives.push({ placement: "above-4g", bytes: low === null ? null : main + low });
  }
  if (alternatives.length === 0) {
    return { placement: null, lowIfAbove, alternatives, failure: "too-large", failureMessage: tooLarge };
  }
  if (primary !== null && !alternatives.some((a) => a.placement === primary)) primary = null;
  if (primary === null && alternatives.length === 1)
    primary = (alternatives[0] as { placement: Placement }).placement;
  return {
    placement: noWindow ? null : primary,
    lowIfAbove,
    alternatives,
    failure: null,
    failureMessage: null,
  };
}
