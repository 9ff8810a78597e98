import type { CrashkernelBehaviour, KernelArch } from "./crashkernel-behaviour.ts";

/**
 * What each kernel does with `crashkernel=`, as one table read top to bottom: a row applies to
 * its architecture (or `*`) from `since` on, and later rows override earlier ones, as later kernel
 * versions changed the earlier code. Enterprise Linux rows (`el`) apply on top, because a
 * `4.18.0-…el8` or `5.14.0-…el9` kernel carries backports its version number does not show.
 *
 * A row with `approxSince` is not pinned: kernels from `approxSince` up to `since` (or from
 * `approxSince` on, without `since`) may or may not behave that way, and both are evaluated. A row
 * whose `set` is a list offers alternatives (first the likelier); the result is flagged uncertain
 * where they disagree. Every row names the function and file (and version or commit) it is read
 * from, so each can be checked against the kernel source.
 */
export type KernelVersion = readonly [major: number, minor: number];

export interface ModelRow {
  arch: KernelArch | "*";
  /** Enterprise Linux major (the `.elN` of the release); absent for every kernel */
  el?: number;
  since?: KernelVersion;
  approxSince?: KernelVersion;
  /** EL only: from this build number on (the 133 of 5.14.0-133.el9) */
  buildSince?: number;
  set: Partial<CrashkernelBehaviour> | readonly Partial<CrashkernelBehaviour>[];
  source: string;
}

const X86_GENERIC: Partial<CrashkernelBehaviour> = {
  high: "if-missing",
  badLow: "abort",
  fallbackLow: "default",
  fixedAboveLow: false,
};
const GENERIC_128M: Partial<CrashkernelBehaviour> = {
  high: "if-missing",
  plainWindow: "4G",
  badLow: "abort",
  lowDefault: "128M",
  plainFallback: true,
  fallbackLow: "default",
  fixedAboveLow: false,
};
const ARM64_HIGH_519: Partial<CrashkernelBehaviour> = {
  high: "if-missing",
  badLow: "abort",
  lowDefault: "none",
};

export const CRASHKERNEL_MODEL: readonly ModelRow[] = [
  // ---- common code: parsing
  {
    arch: "*",
    set: {
      roundRam: false,
      cmaSuffix: false,
      rangeSizeMessage: "bare",
      offsetMessage: "bare",
      swiotlbAreas: false,
      high: "none",
      lowDefault: "none",
      badLow: "abort",
      plainWindow: "none",
      plainFallback: false,
      fallbackLow: "default",
      fixedAboveLow: false,
      cmaReserve: false,
      auto: "none",
    },
    source:
      "parse_crashkernel_mem()/parse_crashkernel_simple() kernel/crash_core.c v4.19–v5.19 (Rtoax/linux-5.10.13): memblock size compared as is; the size of a range entry and the @offset warn without the crashkernel: prefix",
  },
  {
    arch: "*",
    since: [6, 0],
    set: { roundRam: true },
    source:
      "parse_crashkernel_mem() kernel/crash_core.c v6.0: total_mem = roundup(total_mem, SZ_128M) ('kdump: round up the total memory size to 128M for crashkernel reservation', Tao Liu, 2022)",
  },
  {
    arch: "*",
    approxSince: [6, 0],
    since: [6, 1],
    set: { swiotlbAreas: true },
    source:
      "setup_io_tlb_npages() kernel/dma/swiotlb.c: swiotlb=<slabs>,<areas> rounds the slabs up to a power of two ('swiotlb: split up the global swiotlb lock')",
  },
  {
    arch: "*",
    since: [6, 11],
    set: { rangeSizeMessage: "prefixed", offsetMessage: "typo" },
    source:
      "parse_crashkernel_mem() kernel/crash_reserve.c v6.11–v6.15: 'crashkernel: Memory value expected' and the misspelt 'crahskernel: Memory value expected after '@''",
  },
  {
    arch: "*",
    since: [6, 16],
    set: { offsetMessage: "prefixed", cmaSuffix: true },
    source:
      "kernel/crash_reserve.c v6.16: suffix_tbl[] gains ',cma' (35c18f2933c5 'Add a new optional \",cma\" suffix to the crashkernel= command line option'); 'crash: fix spelling mistake \"crahskernel\"' (Colin Ian King, 2025-04-18)",
  },
  // ---- x86_64
  {
    arch: "x86_64",
    set: {
      high: "after-failure",
      lowDefault: "x86-swiotlb",
      badLow: "default",
      plainWindow: "896M",
      fallbackLow: "low-param",
      fixedAboveLow: true,
    },
    source:
      "reserve_crashkernel()/reserve_crashkernel_low() arch/x86/kernel/setup.c v4.x: ,high is tried when the plain value fails or is 0; any region at or above 4 GiB gets crashkernel=Y,low or max(swiotlb + 8M, 256M); plain values only below CRASH_ADDR_LOW_MAX = 896M",
  },
  {
    arch: "x86_64",
    since: [5, 2],
    set: { plainWindow: "4G", plainFallback: true },
    source:
      "reserve_crashkernel() arch/x86/kernel/setup.c v5.2–v6.6 (Rtoax/linux-5.10.13): below 4 GiB first, then up to 64 TiB ('x86/kdump: Have crashkernel=X reserve under 4G by default', b9ac3849af41 'x86/kdump: Fall back to reserve high crashkernel memory')",
  },
  {
    arch: "x86_64",
    since: [6, 7],
    set: X86_GENERIC,
    source:
      "arch_reserve_crashkernel() arch/x86/kernel/setup.c + parse_crashkernel()/reserve_crashkernel_generic() kernel/crash_core.c v6.7: ,high only without a plain value, a bad ,low aborts, a fallback gets crash_low_size_default() = max(swiotlb + 8M, 256M), a fixed base none",
  },
  {
    arch: "x86_64",
    since: [6, 16],
    set: { cmaReserve: true },
    source:
      "arch_reserve_crashkernel() arch/x86/kernel/setup.c calls reserve_crashkernel_cma() (ab475510e042 'kdump: implement reserve_crashkernel_cma', v6.16)",
  },
  // ---- arm64
  {
    arch: "arm64",
    set: { plainWindow: "4G" },
    source:
      "reserve_crashkernel() arch/arm64/mm/init.c v5.10 (Rtoax/linux-5.10.13): only crashkernel=X, searched below arm64_dma32_phys_limit, no low region",
  },
  {
    arch: "arm64",
    since: [5, 19],
    set: ARM64_HIGH_519,
    source:
      "reserve_crashkernel() arch/arm64/mm/init.c v5.19 ('support reserving crashkernel above 4G on arm64 kdump', Zhen Lei): ,high/,low when no plain value; no default ,low (crash_low_size stays 0); no fallback for a plain value",
  },
  {
    arch: "arm64",
    since: [6, 2],
    set: { lowDefault: "128M", plainFallback: true, fallbackLow: "default" },
    source:
      "reserve_crashkernel() arch/arm64/mm/init.c v6.2: a149cf00b158 'arm64: kdump: Provide default size when crashkernel=Y,low is not specified' (128M), a9ae89df7377 'Support crashkernel=X fall back to reserve region above DMA zones'",
  },
  {
    arch: "arm64",
    since: [6, 7],
    set: GENERIC_128M,
    source:
      "arch_reserve_crashkernel() arch/arm64/mm/init.c + reserve_crashkernel_generic() kernel/crash_core.c v6.7 ('arm64: kdump: use generic interface to simplify crashkernel reservation')",
  },
  // ---- riscv64, loongarch64, ppc64le, s390x
  {
    arch: "riscv64",
    approxSince: [6, 6],
    since: [6, 7],
    set: GENERIC_128M,
    source:
      "arch_reserve_crashkernel() arch/riscv/mm/init.c v6.7 (generic; DEFAULT_CRASH_KERNEL_LOW_SIZE 128M); v6.6 had its own ,high/,low code",
  },
  {
    arch: "loongarch64",
    since: [6, 7],
    set: GENERIC_128M,
    source:
      "arch_reserve_crashkernel() arch/loongarch/kernel/setup.c v6.7; the default DEFAULT_CRASH_KERNEL_LOW_SIZE (128UL << 20) of include/linux/crash_core.h",
  },
  {
    arch: "ppc64le",
    approxSince: [6, 17],
    set: { cmaReserve: true },
    source:
      "powerpc reserve_crashkernel_cma() support ('[KNL, X86, ppc64]' in kernel-parameters.txt, Sourabh Jain, 2025): release not pinned",
  },
  {
    arch: "arm64",
    approxSince: [6, 19],
    set: { cmaReserve: true },
    source:
      "arch_reserve_crashkernel() arch/arm64/mm/init.c: reserve_crashkernel_cma() (Jinjie Ruan, LKML 2025-11): release not pinned",
  },
  {
    arch: "riscv64",
    approxSince: [6, 19],
    set: { cmaReserve: true },
    source:
      "arch_reserve_crashkernel() arch/riscv/mm/init.c: reserve_crashkernel_cma() (Jinjie Ruan, LKML 2025-11): release not pinned",
  },
  // ---- Enterprise Linux: RHEL, CentOS, Rocky, Alma, Oracle (RHCK)
  {
    arch: "*",
    el: 6,
    set: { auto: "unmodelled" },
    source: "RHEL 6/7 kernels implement crashkernel=auto (Red Hat KB 59432; RHEL 7 Kernel Crash Dump Guide)",
  },
  {
    arch: "*",
    el: 7,
    set: { auto: "unmodelled" },
    source: "RHEL 7 Kernel Crash Dump Guide, 'Memory requirements for kdump': crashkernel=auto thresholds",
  },
  {
    arch: "x86_64",
    el: 7,
    set: [{}, { plainWindow: "4G", plainFallback: true }],
    source:
      "reserve_crashkernel() arch/x86/kernel/setup.c of RHEL 7 (v3.10-based) kernels: whether the 4 GiB window and the high fallback were backported is not known here",
  },
  {
    arch: "*",
    el: 8,
    set: [{ auto: "unmodelled" }, { auto: "unmodelled", roundRam: true }],
    source:
      "RHEL 8 kernels implement crashkernel=auto (RHEL 8 documentation, 'Managing, monitoring and updating the kernel'); whether their parse_crashkernel_mem() rounds RAM up to 128 MiB is not known here",
  },
  {
    arch: "x86_64",
    el: 8,
    set: { auto: "rhel8-x86", plainWindow: "4G", plainFallback: true },
    source:
      "reserve_crashkernel() arch/x86/kernel/setup.c of a RHEL-lineage 4.x kernel (AmpereComputing/ampere-centos-kernel): below 896M, then below 4G, then high; crashkernel=auto = 1G-4G:160M,4G-64G:192M,64G-1T:256M,1T-:512M (RHEL 8 documentation; kexec-tools 34d27c4)",
  },
  {
    arch: "arm64",
    el: 8,
    set: [{}, ARM64_HIGH_519],
    source:
      "reserve_crashkernel() arch/arm64/mm/init.c of RHEL 8 (v4.18-based) kernels: whether the v5.19 crashkernel=X,high support was backported is not known here",
  },
  {
    arch: "*",
    el: 9,
    buildSince: 133,
    set: { roundRam: true },
    source:
      "kernel-5.14.0-133.el9 changelog: 'kdump: round up the total memory size to 128M for crashkernel reservation' (RHEL 9.1)",
  },
  {
    arch: "x86_64",
    el: 9,
    set: [{}, X86_GENERIC],
    source:
      "reserve_crashkernel() arch/x86/kernel/setup.c of RHEL 9 (v5.14-based) kernels: whether the v6.7 generic reservation (reserve_crashkernel_generic()) was backported is not known here",
  },
  {
    arch: "arm64",
    el: 9,
    set: [
      ARM64_HIGH_519,
      { ...ARM64_HIGH_519, lowDefault: "128M", plainFallback: true, fallbackLow: "default" },
    ],
    source:
      "Baoquan He (Red Hat), LKML 2022-06-22: 'We have back ported the basic crashkernel=high, low, support into our distros'; the v6.2 default ,low and fallback: not known here",
  },
];
