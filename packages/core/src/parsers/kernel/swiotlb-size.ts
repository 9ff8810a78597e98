import { tokenizeCmdline } from "./tokenize-cmdline.ts";

/**
 * `swiotlb_size_or_default()` after the `swiotlb=` parameters of a command line, as
 * `setup_io_tlb_npages()` (kernel/dma/swiotlb.c) reads them: `swiotlb=<slabs>[,<areas>][,force|noforce]`,
 * slabs of 2 KiB rounded up to 128, the default 64 MiB. x86 sizes its default crash low region
 * from it: max(swiotlb + 8M, 256M). Sample command-line parts:
 *
 *     swiotlb=65536          → 128 MiB
 *     swiotlb=262144,force   → 512 MiB
 *     swiotlb=noforce        → 2 KiB on v5.x (one slab), unchanged later
 *
 * Each `swiotlb=` is an early_param call, so later ones override the slab count they set.
 * `areas`: kernels whose parser takes an area count, which rounds the slab count up to a power of
 * two. SEV/TDX guests enlarge the buffer at boot (swiotlb_adjust_size()); that is not visible here.
 */
const IO_TLB_SHIFT = 11n;
const IO_TLB_SEGSIZE = 128n;
const DEFAULT_SLABS = (64n << 20n) >> IO_TLB_SHIFT;
const ULONG_MASK = (1n << 64n) - 1n;

/** simple_strtoul(s, &end, 0) at `pos`: the value and the index after the digits. */
function strtoul(s: string, pos: number): { value: bigint; end: number } {
  let i = pos;
  let base = 10n;
  if (s.charAt(i) === "0") {
    if ((s.charAt(i + 1) === "x" || s.charAt(i + 1) === "X") && /[0-9a-fA-F]/.test(s.charAt(i + 2))) {
      base = 16n;
      i += 2;
    } else base = 8n;
  }
  let value = 0n;
  for (; i < s.length; i++) {
    const d = Number.parseInt(s.charAt(i), 16);
    if (Number.isNaN(d) || BigInt(d) >= base) break;
    value = (value * base + BigInt(d)) & ULONG_MASK;
  }
  return { value, end: i };
}

function roundUpPowerOfTwo(n: bigint): bigint {
  let p = 1n;
  while (p < n) p <<= 1n;
  return p;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

export function swiotlbBytes(cmdline: string, options: { areas: boolean }): bigint {
  // v5.x keeps 0 for "not set" and falls back to 64 MiB; later kernels start from the default
  let slabs: bigint = options.areas ? DEFAULT_SLABS : 0n;
  for (const t of tokenizeCmdline(cmdline).value.tokens) {
    if (t.init || t.key !== "swiotlb" || t.value === null) continue;
    const s = t.value;
    let i = 0;
    if (isDigit(s.charAt(i))) {
      const n = strtoul(s, i);
      slabs = (((n.value + IO_TLB_SEGSIZE - 1n) / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE) & ULONG_MASK;
      i = n.end;
    }
    if (s.charAt(i) === ",") i++;
    if (options.areas && isDigit(s.charAt(i))) {
      const n = strtoul(s, i);
      i = n.end;
      const areas = roundUpPowerOfTwo(n.value === 0n ? 1n : n.value);
      if (slabs < IO_TLB_SEGSIZE * areas) slabs = IO_TLB_SEGSIZE * areas;
      else slabs = roundUpPowerOfTwo(slabs);
      if (s.charAt(i) === ",") i++;
    }
    if (!options.areas && s.slice(i) === "noforce") slabs = 1n;
  }
  if (!options.areas && slabs === 0n) slabs = DEFAULT_SLABS;
  return (slabs << IO_TLB_SHIFT) & ULONG_MASK;
}
