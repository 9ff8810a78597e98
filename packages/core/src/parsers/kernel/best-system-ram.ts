import { type ByteCount, compareByteCounts } from "../../byte-count.ts";
import type { RamSource } from "./crashkernel-evaluation.ts";

/** The parts of the parsed sources `bestSystemRam` looks at (pass the parser outputs, or null). */
export interface SystemRamInputs {
  dmesg?: { systemRam: { bytes: ByteCount } | null; memoryTotal: { bytes: ByteCount } | null } | null;
  iomem?: { systemRamBytes: ByteCount | null; zeroed: boolean } | null;
  meminfo?: { memTotalBytes: ByteCount | null } | null;
}

/**
 * The best figure for "memory as the kernel counts it" when it evaluates `crashkernel=` ranges
 * (`memblock_phys_mem_size()`), most precise first: the dmesg legacy line's `System RAM: NMB`; the
 * sum of top-level `System RAM` in /proc/iomem (root only); the total of dmesg
 * `Memory: aK/bK available`; MemTotal, which is smaller (kernel and reserved memory, the crash
 * reservation itself excluded). Exact: a ByteCount.
 */
export function bestSystemRam(inputs: SystemRamInputs): {
  bytes: ByteCount | null;
  source: RamSource | null;
} {
  const good = (n: ByteCount | null | undefined): n is ByteCount =>
    (typeof n === "number" || typeof n === "string") && compareByteCounts(n, 0) > 0;
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
