import { type ByteCount, toByteCount } from "../../byte-count.ts";
import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { fieldOf, splitLines, type ToolField } from "./text-lines.ts";

export interface KdumptoolCalibrate {
  /** every `Key: N` line, N in MiB (a safe integer: at most 13 digits) */
  values: Partial<Record<CalibrateKey, ToolField<number>>>;
  /**
   * Low + High in bytes: what kdumptool would reserve (SUSE `kdumptool commandline` uses both),
   * exact as a ByteCount (byte-count.ts): MiB × 2^20 passes 2^53 from 8 GiB-of-MiB counts on
   */
  suggestedBytes: ByteCount | null;
  /** Fadump in bytes on ppc64 */
  fadumpBytes: ByteCount | null;
}

const KEYS = [
  "Total",
  "Low",
  "High",
  "MinLow",
  "MaxLow",
  "MinHigh",
  "MaxHigh",
  "Fadump",
  "MinFadump",
  "MaxFadump",
] as const;
export type CalibrateKey = (typeof KEYS)[number];
/** MiB → exact bytes; null when zero or beyond the kernel's 2^64 − 1 */
const mibToBytes = (mib: number): ByteCount | null => (mib > 0 ? toByteCount(BigInt(mib) << 20n) : null);

/**
 * Parses `kdumptool calibrate` of SUSE's kdump package (openSUSE/kdump kdumptool/calibrate.cc:
 * `cout << "Low: " << …` in MiB). Sample:
 *
 *     Total: 15952
 *     Low: 72
 *     High: 229
 */
export function parseKdumptoolCalibrate(text: string): ParseResult<KdumptoolCalibrate> {
  const issues: ParseIssue[] = [];
  const values: KdumptoolCalibrate["values"] = {};
  for (const src of splitLines(text)) {
    const m = /^\s*(\w+):\s*(\d{1,13})\s*$/.exec(src.text.slice(0, 200));
    if (m && (KEYS as readonly string[]).includes(m[1]!))
      values[m[1] as CalibrateKey] = fieldOf(src, Number(m[2]));
  }
  const low = values.Low?.value;
  const high = values.High?.value;
  const suggestedBytes = low !== undefined && high !== undefined ? mibToBytes(low + high) : null;
  const fadump = values.Fadump?.value;
  if (low === undefined) issues.push(parseIssue("no-low", "No `Low:` line"));
  return {
    value: { values, suggestedBytes, fadumpBytes: fadump !== undefined ? mibToBytes(fadump) : null },
    issues,
  };
}
