import type { ParseIssue, ParseResult } from "../issue.ts";
import type { JournalFinding } from "./journal-finding.ts";
import { splitJournalLine } from "./journal-line.ts";
import { classifyKdumpToolsMessage, undecorate } from "./kdump-tools-message.ts";
import { type LastLoad, lastLoadOf } from "./last-load.ts";
import type { LogStamp } from "./log-stamp.ts";
import { HELPER_IDENTS, KDUMP_IDENTS, type KdumpUnit, kdumpUnitOf, SYSTEMD_RULES } from "./service-units.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

export type { JournalFinding, JournalFindingCode } from "./journal-finding.ts";
export type { LastLoad } from "./last-load.ts";
export type { ServiceEventCode } from "./service-units.ts";

export interface KdumpServiceJournal {
  /** recognised lines of every boot, in input order */
  findings: JournalFinding[];
  /** the last load attempt of the last boot in the text */
  lastLoad: LastLoad;
  /** boot boundaries seen (`-- Boot … --`, `-- Reboot --`, a kernel `Linux version` line) */
  bootMarkers: number;
  /** first line of the last boot (the line after its marker), null without markers */
  currentBootLine: number | null;
  /** the timestamp of the last boot marker when it has one (a kernel `Linux version` line) */
  currentBootStamp: LogStamp | null;
  /** what systemd last said about a kdump unit in the last boot */
  unitState: { state: "active" | "failed" | "inactive"; unit: KdumpUnit | null; line: ToolLine } | null;
}

type Scope = "unit" | "system";

// a kernel `Linux version` banner, or kernel time going backwards (a syslog copy of the next boot)
const KERNEL_BOOT = /^(?:\[\s*\d+\.\d+\]\s*)?Linux version \S+/;
/** Kernel lines that can explain a refused kexec (lockdown, IMA, SELinux). */
const KERNEL_CODES: ReadonlySet<string> = new Set(["lockdown", "ima-appraisal", "selinux-denied"]);

/**
 * Parses `journalctl -b -u kdump-tools` / `-u kdump` output or raw load output (every line is
 * the unit's) into findings and the result of the last load attempt (domain.md §4.3, §5.1, §6.2;
 * trap 11: "active" means nothing for kdump-tools). Sample:
 *
 *     Sep 14 01:45:21 test systemd[1]: Starting Kernel crash dump capture service...
 *     Sep 14 01:45:21 test kdump-tools[3027]:  * no crashkernel= parameter in the kernel cmdline
 *     Sep 14 01:45:21 test systemd[1]: Finished Kernel crash dump capture service.
 */
export function parseKdumpServiceJournal(text: string): ParseResult<KdumpServiceJournal> {
  return parseServiceLog(text, "unit");
}

/**
 * Reads the kdump story out of a whole system log (`/var/log/messages`, `/var/log/syslog`, a full
 * `journalctl -b`): only systemd lines about a kdump unit, lines of the kdump programs, dracut
 * lines during a kdump start, and kernel lockdown / IMA / SELinux refusals of kexec count.
 * Earlier boots are cut off at their boot markers. Sample:
 *
 *     Oct 24 18:58:21 ip-172-31-18-67 systemd[1]: Starting Crash recovery kernel arming...
 *     Oct 24 18:58:21 ip-172-31-18-67 kdumpctl[812]: No memory reserved for crash kernel.
 *     Oct 24 18:58:21 ip-172-31-18-67 systemd[1]: Failed to start Crash recovery kernel arming.
 */
export function parseSystemLog(text: string): ParseResult<KdumpServiceJournal> {
  return parseServiceLog(text, "system");
}

interface Pending {
  src: ToolLine;
  ident: string | null;
  message: string;
  stamp: LogStamp | null;
}

function parseServiceLog(text: string, scope: Scope): ParseResult<KdumpServiceJournal> {
  const issues: ParseIssue[] = [];
  const findings: JournalFinding[] = [];
  let pending: Pending | null = null;
  let boot = 0;
  let bootMarkers = 0;
  let currentBootLine: number | null = null;
  let currentBootStamp: LogStamp | null = null;
  let attemptOpen = false;
  /** seconds since boot of the last line that had them: a smaller value means the host rebooted */
  let lastMono: number | null = null;
  const push = (f: JournalFinding | null): void => {
    if (f === null) return;
    findings.push(f);
    if (f.code === "service-starting" && f.unit !== null) attemptOpen = true;
    if (
      (f.code === "service-started" || f.code === "service-failed" || f.code === "service-stopped") &&
      f.unit
    )
      attemptOpen = false;
  };
  const flush = (): void => {
    if (pending) push(classify(pending.src, pending.ident, pending.message, boot, pending.stamp, scope));
    pending = null;
  };

  for (const src of splitLines(text)) {
    const line = splitJournalLine(src.text);
    if (line.meta) {
      if (line.bootMarker) {
        flush();
        boot++;
        bootMarkers++;
        currentBootLine = src.line + 1;
        currentBootStamp = null;
        attemptOpen = false;
      }
      continue;
    }
    const { ident, message, stamp } = line;
    const mono = line.kmsgTime ?? (stamp?.kind === "monotonic" ? stamp.monotonic : null);
    const restarted = mono !== null && lastMono !== null && mono + 1 < lastMono;
    if (mono !== null) lastMono = mono;
    if ((ident === "kernel" && KERNEL_BOOT.test(message)) || restarted) {
      flush();
      boot++;
      bootMarkers++;
      currentBootLine = src.line;
      currentBootStamp = stamp;
      attemptOpen = false;
      if (!restarted) continue;
    }
    const trimmed = message.trim();
    if (trimmed === "") continue;
    if (scope === "system" && !belongs(ident, trimmed, attemptOpen)) continue;
    if (pending && (trimmed === "failed!" || trimmed === "done.")) {
      // Debian's log_failure_msg split over two journal lines: "<msg> ..." then " failed!".
      const p: Pending = pending;
      const f = classify(p.src, p.ident, `${p.message} ${trimmed}`, boot, p.stamp, scope);
      if (f) push({ ...f, evidence: [p.src, src] });
      pending = null;
      continue;
    }
    flush();
    if (ident !== "systemd" && trimmed.endsWith("...") && !trimmed.startsWith("Starting")) {
      pending = { src, ident, message: trimmed, stamp };
      continue;
    }
    if (ident !== null && KDUMP_IDENTS.has(ident)) attemptOpen = true;
    push(classify(src, ident, trimmed, boot, stamp, scope));
  }
  flush();
  const current = bootMarkers > 0 ? findings.filter((f) => f.boot === boot) : findings;
  return {
    value: {
      findings,
      lastLoad: lastLoadOf(current),
      bootMarkers,
      currentBootLine,
      currentBootStamp,
      unitState: unitStateOf(current),
    },
    issues,
  };
}

/** In a whole system log, is this line part of the kdump story? */
function belongs(ident: string | null, message: string, attemptOpen: boolean): boolean {
  if (ident === null) return false;
  if (ident === "systemd" || ident.startsWith("systemd")) return kdumpUnitOf(message) !== null;
  if (KDUMP_IDENTS.has(ident)) return true;
  if (HELPER_IDENTS.has(ident)) return attemptOpen;
  if (ident === "kernel" || ident === "audit") {
    const m = classifyKdumpToolsMessage(message);
    return m !== null && KERNEL_CODES.has(m.code) && (m.code !== "lockdown" || /kexec/i.test(message));
  }
  return false;
}

function classify(
  src: ToolLine,
  ident: string | null,
  message: string,
  boot: number,
  stamp: LogStamp | null,
  scope: Scope,
): JournalFinding | null {
  const base = { line: src.line, text: src.text, ident, evidence: [src], boot, stamp };
  if (ident === "systemd" || (ident?.startsWith("systemd") ?? false)) {
    const unit = kdumpUnitOf(message);
    if (scope === "system" && unit === null) return null;
    for (const [re, code, severity] of SYSTEMD_RULES) {
      const m = re.exec(message);
      if (m) return finding(base, { code, severity, message, detail: m[2] ?? m[1] ?? null, unit });
    }
    return null;
  }
  if (/^Starting (?:kdump-tools|kdump)\s*:?$/.test(message)) {
    return finding(base, { code: "attempt-start", severity: "info", message, detail: null, unit: null });
  }
  const msg = classifyKdumpToolsMessage(message);
  if (msg)
    return finding(base, {
      code: msg.code,
      severity: msg.severity,
      message: msg.message,
      detail: msg.detail,
      unit: null,
    });
  // kdumpctl logs some messages with a "kdump: " prefix inside its own ident; try once more.
  const inner = undecorate(message).message;
  const again = inner !== message ? classifyKdumpToolsMessage(inner) : null;
  return again
    ? finding(base, {
        code: again.code,
        severity: again.severity,
        message: again.message,
        detail: again.detail,
        unit: null,
      })
    : null;
}

type FindingBase = Pick<JournalFinding, "line" | "text" | "ident" | "evidence" | "boot" | "stamp">;
type FindingWhat = Pick<JournalFinding, "code" | "severity" | "message" | "detail" | "unit">;

/**
 * One finding, its fields written out in the order `{ ...base, ...what }` gave them: every line of
 * a journal goes through classify, and object spreads were its largest cost (issue 13).
 */
function finding(base: FindingBase, what: FindingWhat): JournalFinding {
  return {
    line: base.line,
    text: base.text,
    ident: base.ident,
    evidence: base.evidence,
    boot: base.boot,
    stamp: base.stamp,
    code: what.code,
    severity: what.severity,
    message: what.message,
    detail: what.detail,
    unit: what.unit,
  };
}

function unitStateOf(findings: readonly JournalFinding[]): KdumpServiceJournal["unitState"] {
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i]!;
    const state =
      f.code === "service-started"
        ? "active"
        : f.code === "service-failed"
          ? "failed"
          : f.code === "service-stopped"
            ? "inactive"
            : null;
    if (state) return { state, unit: f.unit, line: { line: f.line, text: f.text } };
  }
  return null;
}
