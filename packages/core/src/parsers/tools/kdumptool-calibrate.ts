import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { fieldOf, splitLines, type ToolField } from "./text-lines.ts";

export interface KdumptoolCalibrate {
  /** every `Key: N` line, N in MiB */
  values: Partial<Record<CalibrateKey, ToolField<number>>>;
  /** Low + High in bytes: what kdumptool would reserve (SUSE `kdumptool commandline` uses both) */
  suggestedBytes: number | null;
  /** Fadump in bytes on ppc64 */
  fadumpBytes: number | null;
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
const MiB = 1024 * 1024;

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
    const m = /^\s*(\w+):\s*(\d{1,9})\s*$/.exec(src.text.slice(0, 200));
    if (m && (KEYS as readonly string[]).includes(m[1]!))
      values[m[1] as CalibrateKey] = fieldOf(src, Number(m[2]));
  }
  const low = values.Low?.value;
  const high = values.High?.value;
  const suggestedBytes =
    low !== undefined && high !== undefined && low + high > 0 ? (low + high) * MiB : null;
  const fadump = values.Fadump?.value;
  if (low === undefined) issues.push(parseIssue("no-low", "No `Low:` line"));
  return {
    value: { values, suggestedBytes, fadumpBytes: fadump !== undefined && fadump > 0 ? fadump * MiB : null },
    issues,
  };
}
