import type { ParseIssue, ParseResult } from "../issue.ts";
import { LINUX_VERSION, MAY_MATTER, MENTIONS_CRASHKERNEL } from "./dmesg-formats.ts";
import { splitDmesgPrefix } from "./dmesg-prefix.ts";
import type { DmesgLine, DmesgReport } from "./dmesg-report.ts";
import { splitInputLines } from "./input-lines.ts";
import { emptyDmesgReport, readDmesgMessage } from "./read-dmesg-message.ts";

// the agent sends a filtered log of at most 256 KiB; anything far beyond that is hostile
const CAP = { maxChars: 8 * 1024 * 1024, maxLines: 100_000 };

/**
 * Reads the kernel log lines about kdump (domain.md §2): crashkernel reservations in every format
 * and era (legacy x86/ppc/s390 `Reserving …`, generic `crashkernel reserved: 0x… - 0x…` with an
 * exclusive end, low and CMA regions, fadump), reservation failures of every arch, the parser's own
 * warnings, lockdown/Secure Boot lines, `Linux version`, sysrq crash triggers, panics and
 * `Kdump: loaded`. Sample input (`dmesg`, `journalctl -k`, `/var/log/kern.log`):
 *
 *     [    0.000000] Linux version 5.15.0-69-generic (buildd@lcy02-amd64-047) …
 *     [    0.006128] Reserving 192MB of memory at 2864MB for crashkernel (System RAM: 8191MB)
 *     Apr  1 13:49:44 post-ddi-1 kernel: crashkernel reserved: 0x0000000060000000 - 0x0000000074000000 (320 MB)
 *
 * When the text spans several boots (kern.log), only the last boot – from its `Linux version` line
 * on – is reported. Absence of a failure line proves nothing (trap 9): check the reservations.
 */
export function parseDmesg(text: string): ParseResult<DmesgReport> {
  const input = splitInputLines(text, CAP);
  const issues: ParseIssue[] = [...input.issues];
  let report = emptyDmesgReport();
  let earlierBoots = 0;
  let bootLine = 1;
  input.lines.forEach((raw, i) => {
    if (!MAY_MATTER.test(raw)) return;
    const at: DmesgLine = { line: i + 1, text: raw };
    const { message, prFmt, body } = splitDmesgPrefix(raw);
    const version = LINUX_VERSION.exec(message);
    if (version) {
      // a new boot starts: whatever came before belongs to an earlier one
      if (i > 0) earlierBoots++;
      report = emptyDmesgReport();
      bootLine = at.line;
      report.kernelRelease = version[1] ?? null;
      report.kernelReleaseLine = at;
      return;
    }
    if (!readDmesgMessage(report, at, message, prFmt, body) && MENTIONS_CRASHKERNEL.test(message)) {
      report.unrecognized.push(at);
    }
  });
  report.earlierBoots = earlierBoots;
  report.lineCount = input.lines.length;
  for (const u of report.unrecognized) {
    issues.push({
      line: u.line,
      code: "unrecognized-crashkernel-line",
      message: `no known format: ${u.text.slice(0, 200)}`,
    });
  }
  if (earlierBoots > 0) {
    issues.push({
      line: bootLine,
      code: "earlier-boots-ignored",
      message: `${earlierBoots} earlier boot(s) in the log; only the boot starting at line ${bootLine} was read`,
    });
  }
  return { value: report, issues };
}
