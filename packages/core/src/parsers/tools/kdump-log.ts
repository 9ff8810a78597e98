import type { ParseIssue, ParseResult } from "../issue.ts";
import type { JournalFinding } from "./journal-finding.ts";
import type { KdumpServiceJournal } from "./kdump-service-journal.ts";
import { classifyKdumpToolsMessage } from "./kdump-tools-message.ts";
import { lastLoadOf } from "./last-load.ts";
import { readLogStamp } from "./log-stamp.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

/** `+ 2024-04-13 08:42:55 /usr/bin/kdumpctl@675: <traced command>` (bash xtrace with a dated PS4) */
const TRACE = /^\++ \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (\S+?)@\d+: (.*)$/;
const KEXEC = /(?:^|\/)kexec\s/;
const RET = /^ret=(\d+)$/;

/**
 * Parses /var/log/kdump.log, where kdumpctl of kexec-tools 2.0.21–2.0.28 (RHEL 8.4+ and 9,
 * Fedora 34–40; kdump-utils commits 88a8b94 "add the '-d' option" and 3028529 "Drop default kexec
 * '-d' option") appended the xtrace of every `kexec -d -p` it ran and kexec's stderr. Each load is
 * a block from the traced kexec command to its traced `ret=N`; the file spans boots, so the LAST
 * block is the last load attempt ever made by kdumpctl. Sample (github.com/… linux-arch, 2024-04-13):
 *
 *     + 2024-04-13 08:42:55 /usr/bin/kdumpctl@675: /sbin/kexec -s -d -p '--command-line=…' --initrd=… /boot/vmlinuz-…
 *     Try gzip decompression.
 *     + 2024-04-13 08:42:55 /usr/bin/kdumpctl@679: ret=0
 *
 * Returned in the service-journal shape: the kexec line starts an attempt, `ret=0` is a load,
 * any other `ret=N` a failure whose causes are the kexec error lines of that block.
 */
export function parseKdumpLog(text: string): ParseResult<KdumpServiceJournal> {
  const issues: ParseIssue[] = [];
  const findings: JournalFinding[] = [];
  let open = false;
  for (const src of splitLines(text)) {
    const s = src.text;
    if (s.length > 8192 || s.trim() === "") continue;
    const trace = TRACE.exec(s);
    if (trace) {
      const stamp = readLogStamp(s);
      const command = trace[2]!.trim();
      if (KEXEC.test(command)) {
        open = true;
        findings.push(finding(src, "attempt-start", "info", command, null, stamp));
        continue;
      }
      const ret = RET.exec(command);
      if (ret && open) {
        open = false;
        const ok = ret[1] === "0";
        findings.push(
          finding(src, ok ? "loaded" : "load-failed", ok ? "info" : "error", command, ret[1]!, stamp),
        );
      }
      continue;
    }
    if (!open) continue;
    const msg = classifyKdumpToolsMessage(s);
    if (msg && msg.severity !== "info") {
      findings.push(finding(src, msg.code, msg.severity, msg.message, msg.detail, null));
    }
  }
  if (findings.length === 0) issues.push({ line: 1, code: "no-attempt", message: "No traced kexec load" });
  return {
    value: {
      findings,
      lastLoad: lastLoadOf(findings),
      bootMarkers: 0,
      currentBootLine: null,
      currentBootStamp: null,
      unitState: null,
    },
    issues,
  };
}

function finding(
  src: ToolLine,
  code: JournalFinding["code"],
  severity: JournalFinding["severity"],
  message: string,
  detail: string | null,
  stamp: ReturnType<typeof readLogStamp>,
): JournalFinding {
  return {
    line: src.line,
    text: src.text,
    code,
    severity,
    ident: "kdumpctl",
    message,
    detail,
    evidence: [src],
    unit: null,
    boot: 0,
    stamp,
  };
}
