import { type ByteCount, toByteCount } from "../../byte-count.ts";
import type { ParseIssue, ParseResult } from "../issue.ts";
import { splitInputLines } from "./input-lines.ts";

export interface Meminfo {
  /** every field; `kB` values converted to bytes, unit-less ones (HugePages_Total) as printed */
  values: Record<string, number>;
  /** exact (a ByteCount) */
  memTotalBytes: ByteCount | null;
  memAvailableBytes: ByteCount | null;
}

const LINE = /^([A-Za-z0-9_()]+):\s*(\d+)(?:\s+(kB))?\s*$/;
const CAP = { maxChars: 1024 * 1024, maxLines: 10_000 };

/**
 * Parses `/proc/meminfo`. MemTotal is smaller than the memory the kernel compares `crashkernel=`
 * ranges with (domain.md §1.6): use it only as the last resort. Sample input:
 *
 *     MemTotal:        8026796 kB
 *     MemFree:         6012332 kB
 *     HugePages_Total:       0
 */
export function parseMeminfo(text: string): ParseResult<Meminfo> {
  const input = splitInputLines(text, CAP);
  const issues: ParseIssue[] = [...input.issues];
  const values: Record<string, number> = Object.create(null);
  const exact: { MemTotal?: bigint; MemAvailable?: bigint } = {};
  input.lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    const m = LINE.exec(raw.trim());
    if (!m) {
      issues.push({
        line: i + 1,
        code: "unparsed-line",
        message: `not a meminfo line: ${raw.slice(0, 120)}`,
      });
      return;
    }
    const n = Number(m[2]);
    values[m[1] as string] = m[3] === "kB" ? n * 1024 : n;
    if (m[1] === "MemTotal" || m[1] === "MemAvailable")
      exact[m[1]] = BigInt(m[2] as string) * (m[3] === "kB" ? 1024n : 1n);
  });
  const total = values.MemTotal;
  if (total === undefined) issues.push({ code: "no-memtotal", message: "no MemTotal line" });
  return {
    value: {
      values,
      memTotalBytes: toByteCount(exact.MemTotal),
      memAvailableBytes: toByteCount(exact.MemAvailable),
    },
    issues,
  };
}
