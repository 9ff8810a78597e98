import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { undecorate } from "./kdump-tools-message.ts";
import { fieldOf, splitLines, type ToolField, type ToolLine } from "./text-lines.ts";

/** A `Notice:` line about the last vmcore creation test (/var/lib/kdump/vmcore-creation.status). */
export interface VmcoreTestNotice extends ToolLine {
  result: "success" | "failed" | "manual-check";
  /** the date as printed, e.g. "2025-03-14 09:12:55"; null if missing */
  date: string | null;
}

export interface KdumpctlStatus {
  /** true: `Kdump is operational`; false: `Kdump is not operational`; null: neither line */
  operational: ToolField<boolean> | null;
  /** `Kdump is not supported on this kernel` and similar */
  unsupported: ToolLine | null;
  /** EL8+ logger prefix `kdump: ` seen (stderr); EL7 prints plain stdout (trap 24) */
  prefixed: boolean;
  /** the last vmcore creation test notice, when printed */
  lastTest: VmcoreTestNotice | null;
  /** other non-empty lines, kept as evidence */
  otherLines: ToolLine[];
}

const NOTICE: Array<[RegExp, VmcoreTestNotice["result"]]> = [
  [/^Notice: Last successful vmcore creation test on (.*)$/i, "success"],
  [/^Notice: Last NOT successful vmcore creation test on (.*)$/i, "failed"],
  [/^Notice: Require manual check for vmcore creation test of (.*)$/i, "manual-check"],
];

/**
 * Parses `kdumpctl status` (KU `kdumpctl`; domain.md §5.1, trap 24). EL8+ writes to stderr with a
 * `kdump: ` prefix, EL7 plain stdout; exit status 3 means not operational. Sample:
 *
 *     kdump: Kdump is operational
 *     kdump: Notice: Last successful vmcore creation test on 2025-03-14 09:12:55
 *     Kdump is not operational
 */
export function parseKdumpctlStatus(text: string): ParseResult<KdumpctlStatus> {
  const issues: ParseIssue[] = [];
  const out: KdumpctlStatus = {
    operational: null,
    unsupported: null,
    prefixed: false,
    lastTest: null,
    otherLines: [],
  };
  for (const src of splitLines(text)) {
    if (src.text.trim() === "" || src.text.length > 4096) continue;
    const { message, style } = undecorate(src.text);
    if (style === "kdumpctl") out.prefixed = true;
    if (/^Kdump is operational\.?$/i.test(message)) out.operational = fieldOf(src, true);
    else if (/^Kdump is not operational\.?$/i.test(message)) out.operational = fieldOf(src, false);
    else if (/^Kdump is (?:not supported|unsupported) on this kernel/i.test(message)) out.unsupported = src;
    else if (!takeNotice(src, message, out)) out.otherLines.push(src);
  }
  if (!out.operational && !out.unsupported) {
    issues.push(parseIssue("no-status", "No `Kdump is (not) operational` line"));
  }
  return { value: out, issues };
}

function takeNotice(src: ToolLine, message: string, out: KdumpctlStatus): boolean {
  for (const [re, result] of NOTICE) {
    const m = re.exec(message);
    if (m) {
      out.lastTest = { line: src.line, text: src.text, result, date: m[1]!.trim() || null };
      return true;
    }
  }
  return false;
}
