import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { type KdumpUnit, kdumpUnitOf } from "./service-units.ts";
import { fieldOf, splitLines, type ToolField, type ToolLine } from "./text-lines.ts";

export interface UnitLoaded {
  /** loaded, not-found, masked, error, bad-setting */
  state: string;
  path: string | null;
  /** enabled, disabled, static, masked, indirect, generated… (`systemctl is-enabled` words) */
  enablement: string | null;
}

export interface UnitActive {
  /** active, inactive, failed, activating, deactivating, reloading */
  state: string;
  /** the sub-state in parentheses: exited, dead, running… */
  sub: string | null;
  /** `(Result: exit-code)` of a failed unit */
  result: string | null;
  /** `since Mon 2016-10-24 18:58:21 UTC` as written */
  since: string | null;
}

export interface UnitStatus {
  /** e.g. kdump.service */
  unit: string;
  description: string | null;
  /** which kdump unit this is, by name or description */
  kdumpUnit: KdumpUnit | null;
  header: ToolLine;
  loaded: ToolField<UnitLoaded> | null;
  active: ToolField<UnitActive> | null;
  /** `Condition: start condition failed at …` (the unit was skipped, e.g. no crashkernel=) */
  condition: ToolLine | null;
  /** `Process: 812 ExecStart=/usr/bin/kdumpctl start (code=exited, status=1/FAILURE)` lines */
  processes: ToolLine[];
  /** the unit's journal lines systemctl shows under the block, exactly as written */
  log: ToolLine[];
}

export interface SystemctlStatus {
  /** every unit block, kdump or not (`systemctl status --all` lists them all) */
  units: UnitStatus[];
  /** `Unit kdump.service could not be found.` */
  notFound: ToolField<string>[];
  /** systemctl cut lines to the terminal width (`…` endings, `Hint: Some lines were ellipsized`) */
  ellipsized: boolean;
}

// ● kdump.service - Crash recovery kernel arming      (× failed, ○ inactive, * without UTF-8)
const HEADER = /^(?:[●×○*↻◉]\s?)?\s*([\w@:.\\-]+\.(?:service|target|socket|timer|mount|scope))(?: - (.*))?$/;
const LOADED = /^\s+Loaded: (\S+)(?: \(([^;)]*)(?:; ([\w-]+))?[^)]*\)?)?/;
const ACTIVE =
  /^\s+Active: (\S+)(?: \((?!Result:)([^)]*)\))?(?: \(Result: ([^)]*)\))?(?: since (.*?))?(?:;.*)?$/;
const CONDITION = /^\s+Condition: /;
const PROCESS = /^\s+(?:Process|Main PID): /;
const NOT_FOUND = /^Unit (\S+) could not be found\.?$/;
const PROPERTY = /^\s+[A-Z][\w ]*: /;

/**
 * Parses `systemctl status <unit…>` and the `systemctl status --all` dump sos keeps in
 * `sos_commands/systemd/systemctl_status_--all` (systemd src/systemctl/systemctl-show.c
 * print_status_info). Sample:
 *
 *     ● kdump.service - Crash recovery kernel arming
 *        Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; vendor preset: enabled)
 *        Active: failed (Result: exit-code) since Mon 2016-10-24 18:58:21 UTC; 49s ago
 */
export function parseSystemctlStatus(text: string): ParseResult<SystemctlStatus> {
  const issues: ParseIssue[] = [];
  const out: SystemctlStatus = { units: [], notFound: [], ellipsized: false };
  let unit: UnitStatus | null = null;
  let inLog = false;
  for (const src of splitLines(text)) {
    const s = src.text;
    if (s.length > 8192) continue;
    if (s.trim() === "") {
      if (unit) inLog = true;
      continue;
    }
    if (/^Hint: Some lines were ellipsized/.test(s)) {
      out.ellipsized = true;
      continue;
    }
    const nf = NOT_FOUND.exec(s.trim());
    if (nf) {
      out.notFound.push(fieldOf(src, nf[1]!));
      continue;
    }
    const header = /^\S/.test(s) || /^[●×○*↻◉]/.test(s) ? HEADER.exec(s) : null;
    if (header && (!unit || inLog || /^[●×○*↻◉]/.test(s))) {
      const description = header[2]?.trim() || null;
      unit = {
        unit: header[1]!,
        description,
        kdumpUnit: kdumpUnitOf(`${header[1]} ${description ?? ""}`),
        header: src,
        loaded: null,
        active: null,
        condition: null,
        processes: [],
        log: [],
      };
      out.units.push(unit);
      inLog = false;
      continue;
    }
    if (!unit) continue;
    if (s.includes("…")) out.ellipsized = true;
    if (!inLog && readProperty(src, unit)) continue;
    if (!inLog && PROPERTY.test(s)) continue; // Docs:, Tasks:, Memory:, CGroup: …
    if (!inLog && /^\s+[└├│]/.test(s)) continue; // CGroup tree
    unit.log.push(src);
    inLog = true;
  }
  if (out.units.length === 0 && out.notFound.length === 0) {
    issues.push(parseIssue("no-unit", "No unit status block was recognised"));
  }
  return { value: out, issues };
}

function readProperty(src: ToolLine, unit: UnitStatus): boolean {
  const s = src.text;
  const loaded = LOADED.exec(s);
  if (loaded) {
    const path = loaded[2]?.trim() || null;
    unit.loaded = fieldOf(src, {
      state: loaded[1]!,
      path: path?.startsWith("/") ? path : null,
      enablement: loaded[3] ?? null,
    });
    return true;
  }
  const active = ACTIVE.exec(s);
  if (active) {
    unit.active = fieldOf(src, {
      state: active[1]!,
      sub: active[2] ?? null,
      result: active[3] ?? null,
      since: active[4]?.trim() || null,
    });
    return true;
  }
  if (CONDITION.test(s)) {
    unit.condition = src;
    return true;
  }
  if (PROCESS.test(s)) {
    unit.processes.push(src);
    return true;
  }
  return false;
}
