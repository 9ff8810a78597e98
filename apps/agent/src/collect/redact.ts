import type { SourceId, SourceResult } from "@kdumpwatch/core";

/**
 * Secrets never leave the host (docs/security.md): the kdump configuration files may hold the
 * password of an FTP or SMTP dump target and the path or body of an SSH key (domain.md §4.4
 * `FTP_PASSWORD`, `SSH_KEY`; §5.1 `sshkey`; §5.2 `KDUMP_SMTP_PASSWORD` and `KDUMP_SAVEDIR` URLs
 * such as `ftp://user:pw@host/`). The collector passes every source through here before anything
 * is judged, printed, written by `collect --out` or sent to a server. What a rule needs stays: a
 * URL keeps its scheme, user and host, only the password becomes `<redacted>`.
 *
 *   KDUMP_SMTP_PASSWORD="hunter2"             → KDUMP_SMTP_PASSWORD="<redacted>"
 *   KDUMP_SAVEDIR=ftp://dump:hunter2@nas/crash → KDUMP_SAVEDIR=ftp://dump:<redacted>@nas/crash
 *   sshkey /root/.ssh/kdump_id_rsa            → sshkey <redacted>
 *
 * Every pass is one forward scan (house-style §8: linear time on any input).
 */
export const REDACTED = "<redacted>";

/** The shell-sourced configuration files (assignments) and kexec-tools' directive file. */
const SHELL_CONFIGS: readonly SourceId[] = ["etc_default_kdump_tools", "sysconfig_kdump"];
const DIRECTIVE_CONFIGS: readonly SourceId[] = ["kdump_conf"];

/** An assignment or directive whose name says it holds a secret (case-insensitive). */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|KEY/i;

function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function redactSource(id: SourceId, result: SourceResult): SourceResult {
  const out: SourceResult = { ...result };
  if (out.via !== undefined) out.via = redactText(out.via);
  if (!out.ok) {
    if (out.detail !== undefined) out.detail = redactText(out.detail);
    return out;
  }
  let text = out.text;
  if (SHELL_CONFIGS.includes(id)) text = redactShellAssignments(text);
  if (DIRECTIVE_CONFIGS.includes(id)) text = redactShellAssignments(redactDirectives(text));
  out.text = redactText(text);
  return out;
}

/** What applies to any text: URL passwords and private key blocks. */
export function redactText(text: string): string {
  return redactPrivateKeys(redactUrlPasswords(text));
}

const ASSIGNMENT = /(export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/y;

/**
 * `NAME=value` statements of a shell-sourced file whose name is a secret's get the value
 * `"<redacted>"` (so the file still parses, and the value reads `<redacted>`). A value may be
 * quoted over several lines; an empty value stays empty (it tells that nothing is set). Commented
 * out assignments are redacted too, within their line.
 */
function redactShellAssignments(text: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let start = skipBlanks(text, i);
    // a commented-out assignment (`#FTP_PASSWORD="old"`) may still hold a real secret
    const commented = text.charAt(start) === "#";
    if (commented) start = skipBlanks(text, skipHashes(text, start));
    ASSIGNMENT.lastIndex = start;
    const m = ASSIGNMENT.exec(text);
    if (!m) {
      const end = endOfLine(text, start);
      out.push(text.slice(i, end));
      i = end;
      continue;
    }
    const valueStart = start + m[0].length;
    const lineEnd = text.indexOf("\n", valueStart);
    const valueEnd = scanWord(text, valueStart, commented && lineEnd >= 0 ? lineEnd : text.length);
    const raw = text.slice(valueStart, valueEnd);
    out.push(text.slice(i, valueStart));
    out.push(isSecretName(m[2]!) && !isEmptyWord(raw) ? `"${REDACTED}"` : raw);
    i = valueEnd;
    const after = skipBlanks(text, i);
    if (!commented && text.charAt(after) === ";") {
      out.push(text.slice(i, after + 1));
      i = after + 1; // another statement on the same line
      continue;
    }
    const end = endOfLine(text, i);
    out.push(text.slice(i, end));
    i = end;
  }
  return out.join("");
}

/** kdump.conf lines `<directive> <value>  # comment` whose directive names a secret (`sshkey`). */
function redactDirectives(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const m = /^(\s*)([^\s#]+)([ \t]+)([^#]*?)([ \t]*(?:#.*)?)$/.exec(line);
      if (!m || m[4] === "" || !isSecretName(m[2]!)) return line;
      return `${m[1]}${m[2]}${m[3]}${REDACTED}${m[5]}`;
    })
    .join("\n");
}

/** The longest URL authority looked at; bounds the scan from each `://` (linear time). */
const MAX_AUTHORITY = 2048;

/** `scheme://user:password@host` → `scheme://user:<redacted>@host`, anywhere in a text. */
function redactUrlPasswords(text: string): string {
  const out: string[] = [];
  let copied = 0;
  let from = 0;
  for (;;) {
    const sep = text.indexOf("://", from);
    if (sep < 0) break;
    const start = sep + 3;
    const limit = Math.min(text.length, start + MAX_AUTHORITY);
    let end = start;
    let at = -1;
    let colon = -1;
    while (end < limit && !AUTHORITY_END.has(text.charAt(end))) {
      const c = text.charAt(end);
      if (c === "@") at = end;
      else if (c === ":" && colon < 0 && at < 0) colon = end;
      end++;
    }
    if (at >= 0 && colon >= 0 && colon < at && at > colon + 1) {
      out.push(text.slice(copied, colon + 1), REDACTED);
      copied = at;
    }
    from = Math.max(end, start);
  }
  out.push(text.slice(copied));
  return out.join("");
}

/** Where a URL's authority ends (a path, query, fragment, blank or the quote around it). */
const AUTHORITY_END = new Set(["/", "?", "#", " ", "\t", "\n", "\r", '"', "'", "`", "<", ">"]);

const KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/g;

/** The body of a PEM or OpenSSH private key block (unterminated: to the end of the text). */
function redactPrivateKeys(text: string): string {
  const out: string[] = [];
  let copied = 0;
  KEY_BEGIN.lastIndex = 0;
  for (;;) {
    const m = KEY_BEGIN.exec(text);
    if (!m) break;
    const bodyStart = m.index + m[0].length;
    const endMarker = text.indexOf("-----END ", bodyStart);
    out.push(text.slice(copied, bodyStart), `\n${REDACTED}\n`);
    if (endMarker < 0) {
      copied = text.length;
      break;
    }
    copied = endMarker;
    KEY_BEGIN.lastIndex = endMarker;
  }
  out.push(text.slice(copied));
  return out.join("");
}

function skipHashes(text: string, i: number): number {
  let j = i;
  while (j < text.length && text.charAt(j) === "#") j++;
  return j;
}

function skipBlanks(text: string, i: number): number {
  let j = i;
  while (j < text.length && (text.charAt(j) === " " || text.charAt(j) === "\t")) j++;
  return j;
}

/** The index just past the next newline (or the end of the text). */
function endOfLine(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl < 0 ? text.length : nl + 1;
}

/**
 * One shell word from `i`: quotes (over several lines) and backslash escapes, to an unquoted blank
 * or `;`, never past `limit`. Every loop moves forward and stops at `limit`, so the scans of all
 * statements together stay linear.
 */
function scanWord(text: string, i: number, limit: number): number {
  let j = i;
  let quote: "'" | '"' | null = null;
  while (j < limit) {
    const c = text.charAt(j);
    if (quote === "'") {
      if (c === "'") quote = null;
      j++;
    } else if (c === "\\") {
      j += 2;
    } else if (c === '"') {
      quote = quote === '"' ? null : '"';
      j++;
    } else if (quote === null && c === "'") {
      quote = "'";
      j++;
    } else if (quote === null && (c === " " || c === "\t" || c === "\n" || c === "\r" || c === ";")) {
      return j;
    } else {
      j++;
    }
  }
  return Math.min(j, limit);
}

function isEmptyWord(raw: string): boolean {
  return raw === "" || raw === '""' || raw === "''";
}
