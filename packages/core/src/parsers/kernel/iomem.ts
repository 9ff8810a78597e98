import { type ByteCount, toByteCount } from "../../byte-count.ts";
import type { ParseIssue, ParseResult } from "../issue.ts";
import { splitInputLines } from "./input-lines.ts";

export interface IomemRegion {
  line: number;
  /** the original line */
  text: string;
  /** nesting depth: two spaces of indentation per level */
  depth: number;
  name: string;
  /** name of the enclosing region, null at top level */
  parent: string | null;
  /** null when the file was read without root (all addresses zero) */
  startBytes: ByteCount | null;
  /** inclusive end, as /proc/iomem prints it (trap 7) */
  endBytes: ByteCount | null;
  sizeBytes: ByteCount | null;
}

export interface CrashKernelRegion extends IomemRegion {
  /** the low region of a low+high pair: labelled `(low)`, or the one below 4 GiB when another lies above */
  low: boolean;
}

export interface IomemReport {
  /** every `Crash kernel` entry (case-insensitive, `Crash kernel (low)` included) */
  crashKernel: CrashKernelRegion[];
  /** sum of the crash kernel regions; null when zeroed */
  crashKernelBytes: ByteCount | null;
  /** sum of top-level `System RAM` ranges (a proxy for the kernel's memblock size); null when zeroed or absent */
  systemRamBytes: ByteCount | null;
  /** exclusive end of the highest top-level `System RAM` range; null when zeroed or absent */
  systemRamTop: ByteCount | null;
  /** every address reads as zero: the reader lacked CAP_SYS_ADMIN (trap 10); regions exist, sizes unknown */
  zeroed: boolean;
  /** entries parsed */
  entries: number;
}

const LINE = /^([ \t]*)([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16}) : (.*)$/;
const CAP = { maxChars: 4 * 1024 * 1024, maxLines: 100_000 };
const FOUR_GIB = 1n << 32n;

function big(v: ByteCount | null): bigint | null {
  return v === null ? null : BigInt(v);
}

/**
 * Parses `/proc/iomem` (`r_show()` in kernel/resource.c: `%*s%0*llx-%0*llx : %s`, two spaces per
 * nesting level, inclusive end). Sample input:
 *
 *     00100000-bffd9fff : System RAM
 *       5f000000-6effffff : Crash kernel
 *     100000000-23fffffff : System RAM
 */
export function parseIomem(text: string): ParseResult<IomemReport> {
  const input = splitInputLines(text, CAP);
  const issues: ParseIssue[] = [...input.issues];
  const regions: IomemRegion[] = [];
  const stack: IomemRegion[] = [];
  let nonZero = false;
  input.lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    const m = LINE.exec(raw);
    if (!m) {
      issues.push({ line: i + 1, code: "unparsed-line", message: `not an iomem line: ${raw.slice(0, 120)}` });
      return;
    }
    const indent = (m[1] ?? "").replace(/\t/g, "  ").length;
    const depth = Math.floor(indent / 2);
    const start = BigInt(`0x${m[2]}`);
    const end = BigInt(`0x${m[3]}`);
    if (start !== 0n || end !== 0n) nonZero = true;
    if (end < start)
      issues.push({ line: i + 1, code: "end-before-start", message: "region ends before it starts" });
    const region: IomemRegion = {
      line: i + 1,
      text: raw,
      depth,
      name: (m[4] ?? "").trim(),
      parent: depth > 0 ? (stack[depth - 1]?.name ?? null) : null,
      startBytes: toByteCount(start),
      endBytes: toByteCount(end),
      sizeBytes: end >= start ? toByteCount(end - start + 1n) : 0,
    };
    stack.length = depth;
    stack[depth] = region;
    regions.push(region);
  });
  const zeroed = regions.length > 0 && !nonZero;
  if (zeroed) {
    for (const r of regions) {
      r.startBytes = null;
      r.endBytes = null;
      r.sizeBytes = null;
    }
    issues.push({
      code: "zeroed",
      message: "all addresses are zero: /proc/iomem was read without root; sizes unknown",
    });
  }
  const crash = regions.filter((r) => /^crash kernel\b/i.test(r.name));
  const above = crash.some((r) => (big(r.startBytes) ?? 0n) >= FOUR_GIB);
  const crashKernel: CrashKernelRegion[] = crash.map((r) => ({
    ...r,
    low: /\(low\)/i.test(r.name) || (above && r.endBytes !== null && BigInt(r.endBytes) < FOUR_GIB),
  }));
  const ram = regions.filter((r) => r.depth === 0 && r.name === "System RAM");
  const sum = (list: IomemRegion[]): ByteCount | null =>
    toByteCount(list.reduce((n, r) => n + (big(r.sizeBytes) ?? 0n), 0n));
  const top = ram.reduce((m, r) => {
    const end = big(r.endBytes);
    return end !== null && end + 1n > m ? end + 1n : m;
  }, 0n);
  return {
    value: {
      crashKernel,
      crashKernelBytes: zeroed ? null : sum(crashKernel),
      systemRamBytes: zeroed || ram.length === 0 ? null : sum(ram),
      systemRamTop: zeroed || ram.length === 0 ? null : toByteCount(top),
      zeroed,
      entries: regions.length,
    },
    issues,
  };
}
