import type { RamSource } from "./crashkernel-evaluation.ts";

/** The parts of the parsed sources `bestSystemRam` looks at (pass the parser outputs, or null). */
export interface SystemRamInputs {
  dmesg?: { systemRam: { bytes: number } | null; memoryTotal: { bytes: number } | null } | null;
  iomem?: { systemRamBytes: number | null; zeroed: boolean } | null;
  meminfo?: { memTotalBytes: number | null } | null;
}

/**
 * The best figure for "memory as the kernel counts it" when it evaluates `crashkernel=` ranges
 * (`memblock_phys_mem_size()`, domain.md §1.6), most precise first: the dmesg legacy line's
 * `System RAM: NMB`; the sum of top-level `System RAM` in /proc/iomem (root only); the total of
 * dmesg `Memory: aK/bK available`; MemTotal, which is smaller (kernel and reserved memory,
 * the crash reservation itself excluded).
 */
export function bestSystemRam(inputs: SystemRamInputs): { bytes: number | null; source: RamSource | null } {
  const good = (n: number | null | undefined): n is number =>
    typeof n === "number" && Number.isFinite(n) && n > 0;
  const fromDmesg = inputs?.dmesg?.systemRam?.bytes;
  if (good(fromDmesg)) return { bytes: fromDmesg, source: "dmesg" };
  const iomem = inputs?.iomem;
  if (iomem && !iomem.zeroed && good(iomem.systemRamBytes))
    return { bytes: iomem.systemRamBytes, source: "iomem" };
  const memory = inputs?.dmesg?.memoryTotal?.bytes;
  if (good(memory)) return { bytes: memory, source: "dmesg-memory" };
  const total = inputs?.meminfo?.memTotalBytes;
  if (good(total)) return { bytes: total, source: "meminfo" };
  return { bytes: null, source: null };
}
