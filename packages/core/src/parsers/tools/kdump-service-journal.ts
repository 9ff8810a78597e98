import type { ParseIssue, ParseResult } from "../issue.ts";
import { splitJournalLine } from "./journal-line.ts";
import { classifyKdumpToolsMessage, type KdumpToolsMessageCode, undecorate } from "./kdump-tools-message.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

export type ServiceEventCode =
  | "service-starting"
  | "service-started"
  | "service-stopping"
  | "service-stopped"
  | "service-failed"
  | "attempt-start";

export type JournalFindingCode = KdumpToolsMessageCode | ServiceEventCode;

export interface JournalFinding extends ToolLine {
  code: JournalFindingCode;
  severity: "error" | "warning" | "info";
  /** syslog identifier of the line (kdump-tools, kdumpctl, systemd…), null for raw output */
  ident: string | null;
  /** the message without prefix and decoration */
  message: string;
  /** errno text, path… (see KdumpToolsMessage.detail) */
  detail: string | null;
  /** every input line the finding rests on (two for Debian's split `...` / ` failed!`) */
  evidence: ToolLine[];
}

export interface LastLoad {
  /**
   * The last decisive event of the journal (the LAST attempt counts): loaded, failed (with causes),
   * unloaded, skipped (`USE_KDUMP is not set or zero`: kdump switched off on purpose), or unknown.
   */
  status: "loaded" | "failed" | "unloaded" | "skipped" | "unknown";
  /** the finding that decided the status; null when unknown */
  decidedBy: JournalFinding | null;
  /** for failed: the error findings of that attempt, most specific first; [] otherwise */
  causes: JournalFinding[];
}

export interface KdumpServiceJournal {
  /** recognised lines, in input order */
  findings: JournalFinding[];
  lastLoad: LastLoad;
}

const LOADED: ReadonlySet<JournalFindingCode> = new Set([
  "loaded",
  "start-ok",
  "fadump-registered",
  "already-running",
]);
const UNLOADED: ReadonlySet<JournalFindingCode> = new Set(["unloaded", "stop-ok"]);
const GENERIC_FAIL: ReadonlySet<JournalFindingCode> = new Set([
  "load-failed",
  "start-failed",
  "fadump-register-failed",
  "service-failed",
]);
/** Messages after which kdump-config / kdumpctl give up loading. */
const FATAL: ReadonlySet<JournalFindingCode> = new Set([
  "use-kdump-not-set",
  "kdump-not-supported",
  "no-crashkernel-param",
  "fadump-not-configured",
  "ssh-and-nfs",
  "kdump-kernel-missing",
  "kdump-initrd-missing",
  "relocation-mismatch",
  "kexec-file-load-failed",
  "kexec-load-failed",
  "kexec-cannot-load",
  "kexec-no-free-area",
  "key-rejected",
  "memory-not-reserved",
  "lockdown",
]);

const SYSTEMD: Array<[RegExp, ServiceEventCode, JournalFinding["severity"]]> = [
  [/^Starting (.*?)\.{0,3}$/, "service-starting", "info"],
  [/^Started (.*?)\.?$/, "service-started", "info"],
  [/^Finished (.*?)\.?$/, "service-started", "info"],
  [/^Stopping (.*?)\.{0,3}$/, "service-stopping", "info"],
  [/^Stopped (.*?)\.?$/, "service-stopped", "info"],
  [/^Failed to start (.*?)\.?$/, "service-failed", "error"],
  [/^(\S+): Main process exited, code=\w+, status=([1-9]\d*\/\w+)$/, "service-failed", "error"],
  [/^(\S+): Failed with result '(.*)'\.?$/, "service-failed", "error"],
];

/**
 * Parses `journalctl -b -u kdump-tools` (EL: `-u kdump`) or raw load output into findings and the
 * result of the last load attempt (domain.md §4.3, §5.1, §6.2; trap 11: "active" means nothing).
 * Sample:
 *
 *     Sep 14 01:45:21 test systemd[1]: Starting Kernel crash dump capture service...
 *     Sep 14 01:45:21 test kdump-tools[3027]:  * no crashkernel= parameter in the kernel cmdline
 *     Sep 14 01:45:21 test systemd[1]: Finished Kernel crash dump capture service.
 */
export function parseKdumpServiceJournal(text: string): ParseResult<KdumpServiceJournal> {
  const issues: ParseIssue[] = [];
  const findings: JournalFinding[] = [];
  let pending: { src: ToolLine; ident: string | null; message: string } | null = null;

  for (const src of splitLines(text)) {
    const { ident, message, meta } = splitJournalLine(src.text);
    if (meta || message.trim() === "") continue;
    const trimmed = message.trim();
    if (pending && (trimmed === "failed!" || trimmed === "done.")) {
      // Debian's log_failure_msg split over two journal lines: "<msg> ..." then " failed!".
      const f = classify(pending.src, pending.ident, `${pending.message} ${trimmed}`);
      if (f) findings.push({ ...f, evidence: [pending.src, src] });
      pending = null;
      continue;
    }
    if (pending) flush(pending, findings);
    pending = null;
    if (ident !== "systemd" && trimmed.endsWith("...") && !trimmed.startsWith("Starting")) {
      pending = { src, ident, message: trimmed };
      continue;
    }
    const f = classify(src, ident, trimmed);
    if (f) findings.push(f);
  }
  if (pending) flush(pending, findings);
  return { value: { findings, lastLoad: lastLoadOf(findings) }, issues };
}

function flush(p: { src: ToolLine; ident: string | null; message: string }, findings: JournalFinding[]) {
  const f = classify(p.src, p.ident, p.message);
  if (f) findings.push(f);
}

function classify(src: ToolLine, ident: string | null, message: string): JournalFinding | null {
  const base = { line: src.line, text: src.text, ident, evidence: [src] };
  if (ident === "systemd" || (ident?.startsWith("systemd") ?? false)) {
    for (const [re, code, severity] of SYSTEMD) {
      const m = re.exec(message);
      if (m) return { ...base, code, severity, message, detail: m[2] ?? m[1] ?? null };
    }
    return null;
  }
  if (/^Starting (?:kdump-tools|kdump)\s*:?$/.test(message)) {
    return { ...base, code: "attempt-start", severity: "info", message, detail: null };
  }
  const msg = classifyKdumpToolsMessage(message);
  if (msg)
    return { ...base, code: msg.code, severity: msg.severity, message: msg.message, detail: msg.detail };
  // kdumpctl logs some messages with a "kdump: " prefix inside its own ident; try once more.
  const inner = undecorate(message).message;
  const again = inner !== message ? classifyKdumpToolsMessage(inner) : null;
  return again
    ? { ...base, code: again.code, severity: again.severity, message: again.message, detail: again.detail }
    : null;
}

const START_CODES: ReadonlySet<JournalFindingCode> = new Set(["service-starting", "attempt-start"]);

function lastLoadOf(findings: JournalFinding[]): LastLoad {
  let attemptStart = 0;
  let sawWork = false;
  let decided: { finding: JournalFinding; status: LastLoad["status"]; attemptStart: number } | null = null;
  findings.forEach((f, i) => {
    if (START_CODES.has(f.code)) {
      if (sawWork) {
        attemptStart = i;
        sawWork = false;
      }
      return;
    }
    if (f.code.startsWith("service-")) {
      if (f.code === "service-failed") decided = { finding: f, status: "failed", attemptStart };
      return;
    }
    sawWork = true;
    if (LOADED.has(f.code)) decided = { finding: f, status: "loaded", attemptStart };
    else if (UNLOADED.has(f.code)) decided = { finding: f, status: "unloaded", attemptStart };
    else if (GENERIC_FAIL.has(f.code) || FATAL.has(f.code))
      decided = { finding: f, status: "failed", attemptStart };
  });
  const d = decided as { finding: JournalFinding; status: LastLoad["status"]; attemptStart: number } | null;
  if (!d) return { status: "unknown", decidedBy: null, causes: [] };
  if (d.status !== "failed") return { status: d.status, decidedBy: d.finding, causes: [] };
  if (d.finding.code === "use-kdump-not-set") return { status: "skipped", decidedBy: d.finding, causes: [] };
  const end = findings.indexOf(d.finding);
  const attempt = findings.slice(d.attemptStart, end + 1);
  const specific = attempt.filter((f) => FATAL.has(f.code));
  const generic = attempt.filter((f) => GENERIC_FAIL.has(f.code));
  return { status: "failed", decidedBy: d.finding, causes: [...specific, ...generic] };
}
