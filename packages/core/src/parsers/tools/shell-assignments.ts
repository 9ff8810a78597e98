import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { splitLines } from "./text-lines.ts";

/** One `NAME=value` statement of a shell-sourced config file. */
export interface ShellAssignment {
  name: string;
  /** the value after quote removal and `$VAR` / `${VAR}` expansion against earlier assignments */
  value: string;
  /** the value as written, quotes included */
  raw: string;
  exported: boolean;
  /** 1-based line of the statement's first line */
  line: number;
  /** the statement's original text (several lines joined with "\n" when a quote spans lines) */
  text: string;
}

export interface ShellAssignments {
  assignments: ShellAssignment[];
  /** final value of every variable: the initial environment plus the assignments, in order */
  vars: Record<string, string>;
}

/** A statement may continue over at most this many lines / characters (an unclosed quote in junk input). */
const MAX_CONTINUATION = 200;
const MAX_STATEMENT = 65536;
const ASSIGN = /^\s*(export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/;

interface Scan {
  value: string;
  end: number;
  open: boolean;
  unexpanded: boolean;
}

/**
 * Reads the variable assignments of a file that a shell would `source`, the way kdump-tools
 * (`. /etc/default/kdump-tools`), grub-mkconfig (`/etc/default/grub`, `grub.d/*.cfg`) and os-release
 * readers do. Sample input:
 *
 *     USE_KDUMP=1
 *     export KDUMP_COREDIR="/var/crash"   # comment
 *     GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"
 *
 * Supports single/double quotes, backslash escapes, quotes spanning lines, `$VAR`, `${VAR}`,
 * `${VAR:-word}` / `${VAR-word}` / `${VAR:=word}`. Command substitutions stay literal (issue
 * `unexpanded`). Lines that are not assignments or comments give issue `not-an-assignment`.
 * `env` seeds the expansion (e.g. the variables of an earlier file) and is not modified.
 */
export function parseShellAssignments(
  text: string,
  env: Readonly<Record<string, string>> = {},
): ParseResult<ShellAssignments> {
  const lines = splitLines(text);
  const issues: ParseIssue[] = [];
  const vars: Record<string, string> = { ...env };
  const assignments: ShellAssignment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    const trimmed = first.text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const m = ASSIGN.exec(first.text);
    if (!m) {
      issues.push(
        parseIssue("not-an-assignment", `Line is not a shell assignment: ${clip(trimmed)}`, first.line),
      );
      continue;
    }
    const name = m[2]!;
    let stmt = first.text;
    let last = i;
    let scan = scanValue(stmt, m[0].length, vars);
    while (
      scan.open &&
      last + 1 < lines.length &&
      last - i < MAX_CONTINUATION &&
      stmt.length < MAX_STATEMENT
    ) {
      last++;
      stmt += `\n${lines[last]!.text}`;
      scan = scanValue(stmt, m[0].length, vars);
    }
    if (scan.open)
      issues.push(parseIssue("unterminated-quote", `Unterminated quote in ${name}=`, first.line));
    if (scan.unexpanded) {
      issues.push(
        parseIssue("unexpanded", `${name}= uses a command substitution; kept literally`, first.line),
      );
    }
    const rest = stmt.slice(scan.end).trim();
    if (rest !== "" && !rest.startsWith("#") && !rest.startsWith(";")) {
      issues.push(
        parseIssue("trailing-text", `Text after the value of ${name}= ignored: ${clip(rest)}`, first.line),
      );
    }
    vars[name] = scan.value;
    assignments.push({
      name,
      value: scan.value,
      raw: stmt.slice(m[0].length, scan.end),
      exported: m[1] !== undefined,
      line: first.line,
      text: stmt,
    });
    i = last;
  }
  return { value: { assignments, vars }, issues };
}

/** Characters that end a run of literal text, outside quotes and inside double quotes. */
const SPECIAL_UNQUOTED = /[ \t\n;\\'"$`]/g;
const SPECIAL_DOUBLE = /[\\"$`]/g;

/**
 * Where the next `close` at or after a position is, remembered while positions only grow, so that
 * looking for a closing `)`, `` ` `` or `}` costs one pass over the statement in all, however many
 * unclosed openers there are (an indexOf from each `$(` of `x=$($($(…` would be quadratic).
 */
function nextFinder(s: string, close: string): (from: number) => number {
  let at = -2; // -2: not searched yet; -1: none left
  return (from) => {
    if (at !== -2 && (at === -1 || at >= from)) return at;
    at = s.indexOf(close, from);
    return at;
  };
}

/**
 * Scans one shell word starting at `pos`: quotes, escapes and parameter expansion. Runs of plain
 * text are copied as slices and every search moves forward only, so the work is linear in `s`.
 */
function scanValue(s: string, pos: number, vars: Readonly<Record<string, string>>): Scan {
  const parts: string[] = [];
  const find = { paren: nextFinder(s, ")"), tick: nextFinder(s, "`"), brace: nextFinder(s, "}") };
  let i = pos;
  let unexpanded = false;
  let quote: "'" | '"' | null = null;
  while (i < s.length) {
    if (quote === "'") {
      const close = s.indexOf("'", i);
      if (close < 0) {
        parts.push(s.slice(i));
        i = s.length;
        break;
      }
      parts.push(s.slice(i, close));
      quote = null;
      i = close + 1;
      continue;
    }
    const special = quote === null ? SPECIAL_UNQUOTED : SPECIAL_DOUBLE;
    special.lastIndex = i;
    const next = special.exec(s)?.index ?? s.length;
    if (next > i) parts.push(s.slice(i, next));
    i = next;
    if (i >= s.length) break;
    const c = s.charAt(i);
    if (quote === null && (c === " " || c === "\t" || c === "\n" || c === ";")) break;
    if (c === "\\") {
      if (i + 1 >= s.length) return { value: parts.join(""), end: i + 1, open: true, unexpanded };
      const n = s.charAt(i + 1);
      if (n === "\n") {
        i += 2;
        continue;
      }
      if (quote === '"' && !'"\\$`'.includes(n)) parts.push(c);
      parts.push(n);
      i += 2;
      continue;
    }
    if (c === "'" && quote === null) {
      quote = "'";
      i++;
      continue;
    }
    if (c === '"') {
      quote = quote === '"' ? null : '"';
      i++;
      continue;
    }
    if (c === "$" || c === "`") {
      const ex = expand(s, i, vars, find);
      if (ex) {
        parts.push(ex.value);
        unexpanded ||= ex.unexpanded;
        i = ex.end;
        continue;
      }
    }
    parts.push(c);
    i++;
  }
  return { value: parts.join(""), end: i, open: quote !== null, unexpanded };
}

const SIMPLE = /\$([A-Za-z_][A-Za-z0-9_]*)/y;
const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}/y;

function expand(
  s: string,
  i: number,
  vars: Readonly<Record<string, string>>,
  find: Record<"paren" | "tick" | "brace", (from: number) => number>,
): { value: string; end: number; unexpanded: boolean } | null {
  if (s[i] === "`" || s.startsWith("$(", i)) {
    const close = s[i] === "`" ? find.tick(i + 1) : find.paren(i + 2);
    if (close < 0) return null;
    return { value: s.slice(i, close + 1), end: close + 1, unexpanded: true };
  }
  SIMPLE.lastIndex = i;
  const simple = SIMPLE.exec(s);
  if (simple) {
    // names are read up to 255 characters; the rest of a longer one stays literal text
    const length = Math.min(simple[0].length, 256);
    return { value: vars[simple[1]!.slice(0, length - 1)] ?? "", end: i + length, unexpanded: false };
  }
  // ${…} only within 4096 characters: no `}` that close means no expansion, without a regex pass
  const brace = find.brace(i + 2);
  if (s[i + 1] !== "{" || brace < 0 || brace - i >= 4096) return null;
  BRACED.lastIndex = i;
  const braced = BRACED.exec(s);
  if (!braced || braced.index + braced[0].length - 1 !== brace) return null;
  const current = vars[braced[1]!];
  const op = braced[2];
  const word = braced[3] ?? "";
  let value = current ?? "";
  if (op === ":-" || op === ":=") value = current ? current : word;
  else if (op === "-" || op === "=") value = current ?? word;
  return { value, end: i + braced[0].length, unexpanded: false };
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
