/**
 * The switches in which kernels differ about `crashkernel=`: how they parse it (common code,
 * kernel/kexec.c → kernel/crash_core.c → kernel/crash_reserve.c) and how the architecture places
 * the reservation (arch/x86/kernel/setup.c, arch/arm64/mm/init.c, then the generic
 * reserve_crashkernel_generic()). The values per kernel are in crashkernel-model.ts.
 */
export interface CrashkernelBehaviour {
  /** parse_crashkernel_mem() rounds the memory size up to 128 MiB before comparing ranges */
  roundRam: boolean;
  /** get_last_crashkernel() knows the `,cma` suffix; before, `crashkernel=64M,cma` is a plain value */
  cmaSuffix: boolean;
  /** wording when the size of a range entry is missing: `Memory value expected` or with `crashkernel: ` */
  rangeSizeMessage: "bare" | "prefixed";
  /** wording after a bad `@`: bare, the misspelt `crahskernel: …`, or `crashkernel: …` */
  offsetMessage: "bare" | "typo" | "prefixed";
  /** swiotlb=<slabs>,<areas> rounds the slab count up to a power of two (kernel/dma/swiotlb.c) */
  swiotlbAreas: boolean;
  /** when `,high` is consulted: never; when the plain value is missing; also when it fails or is 0 */
  high: "none" | "if-missing" | "after-failure";
  /** low region of `,high` without `,low`: none, x86's max(swiotlb + 8M, 256M), 128 MiB, not known */
  lowDefault: "none" | "x86-swiotlb" | "128M" | "unknown";
  /** an unparsable `,low`: the default low size is used (x86 before v6.7), or nothing is reserved */
  badLow: "default" | "abort";
  /** end of the first, low search for a plain value; none: the architecture places it otherwise */
  plainWindow: "896M" | "4G" | "none";
  /** a plain value that does not fit below the window is placed above 4 GiB instead */
  plainFallback: boolean;
  /** the low region added then: `crashkernel=Y,low` or the default (x86 before v6.7), or the default */
  fallbackLow: "low-param" | "default";
  /** a region at or above 4 GiB from `@offset` also gets a low region (x86 before v6.7) */
  fixedAboveLow: boolean;
  /** the architecture reserves the `,cma` size (reserve_crashkernel_cma()) */
  cmaReserve: boolean;
  /** `crashkernel=auto`: not known (mainline), RHEL 8 x86_64's table, or a RHEL table not modelled */
  auto: "none" | "rhel8-x86" | "unmodelled";
}

export type KernelArch = "x86_64" | "arm64" | "riscv64" | "loongarch64" | "ppc64le" | "s390x" | "other";
export const KERNEL_ARCHES: readonly KernelArch[] = [
  "x86_64",
  "arm64",
  "riscv64",
  "loongarch64",
  "ppc64le",
  "s390x",
  "other",
];

/** Architecture names as `uname -m` prints them (Debian names accepted and mapped). */
export function normalizeArch(machine: string | null | undefined): KernelArch | null {
  if (typeof machine !== "string" || machine.trim() === "") return null;
  const m = machine.trim().toLowerCase();
  if (m === "x86_64" || m === "amd64") return "x86_64";
  if (m === "aarch64" || m === "arm64") return "arm64";
  if (m === "riscv64") return "riscv64";
  if (m === "loongarch64") return "loongarch64";
  if (m === "ppc64le" || m === "ppc64el" || m === "ppc64") return "ppc64le";
  if (m === "s390x") return "s390x";
  return "other";
}

const MIB = 1n << 20n;

/** The default low region of `,high` (and of a generic fallback), given the `swiotlb=` size. */
export function defaultLowBytes(b: CrashkernelBehaviour, swiotlbBytes: bigint): bigint | null {
  switch (b.lowDefault) {
    case "none":
      return 0n;
    case "128M":
      return 128n * MIB;
    case "x86-swiotlb": {
      // crash_low_size_default() / reserve_crashkernel_low(): max(swiotlb_size_or_default() + 8M, 256M)
      const s = swiotlbBytes + 8n * MIB;
      return s > 256n * MIB ? s : 256n * MIB;
    }
    default:
      return null;
  }
}
