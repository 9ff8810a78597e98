import type { ParseIssue, ParseResult } from "../issue.ts";
import { COMMAND_LINE_SIZE, readCmdlineText } from "./cmdline-text.ts";

export interface CmdlineToken {
  /** the token exactly as written, quotes included */
  raw: string;
  /** parameter name: the text before the first `=` (an opening quote of the whole token removed) */
  key: string;
  /** text after the first `=`, surrounding quotes removed; null for a bare flag such as `quiet` */
  value: string | null;
  /** 0-based offset of the token in the command line */
  offset: number;
  /** the token comes after a bare `--`: the kernel hands it to init instead of parsing it */
  init: boolean;
}

export interface CmdlineTokens {
  /** the command line the tokens come from (first line, no newline) */
  line: string;
  tokens: CmdlineToken[];
  /** size of `line` in UTF-8 bytes */
  byteLength: number;
  /** at or beyond COMMAND_LINE_SIZE − 1 bytes: the kernel may have cut parameters off (trap 22) */
  atSizeLimit: boolean;
}

/** ASCII isspace() as in the kernel's ctype (the Latin-1 0xA0 quirk is not reproduced). */
function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
}

/**
 * Splits a kernel command line into parameters like the kernel's `next_arg()` (kernel/params.c):
 * whitespace separates tokens except inside double quotes, so `dyndbg="file a.c +p"` is one token
 * (domain.md §9 trap 23); the first `=` splits key and value; quotes around a value are dropped.
 * UTF-8 passes through untouched. Sample input (`/proc/cmdline`):
 *
 *     BOOT_IMAGE=/vmlinuz-5.15.0-69-generic root=UUID=70b5c7aa ro quiet crashkernel=512M-:192M
 *     console=ttyS0,115200 dyndbg="file drivers/usb/* +p" -- single
 *     ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M rhgb quiet
 *
 * Not for finding `crashkernel=`: the kernel looks that up by substring, ignoring quotes – use
 * `findCrashkernel`.
 */
export function tokenizeCmdline(
  text: string,
  options: { limitBytes?: number } = {},
): ParseResult<CmdlineTokens> {
  const cmd = readCmdlineText(text, options.limitBytes ?? COMMAND_LINE_SIZE);
  const issues: ParseIssue[] = [...cmd.issues];
  const s = cmd.line;
  const tokens: CmdlineToken[] = [];
  let pos = 0;
  let init = false;
  while (pos < s.length) {
    while (pos < s.length && isSpace(s.charAt(pos))) pos++;
    if (pos >= s.length) break;
    const offset = pos;
    let args = pos;
    let inQuote = false;
    let quoted = false;
    if (s.charAt(args) === '"') {
      args++;
      inQuote = true;
      quoted = true;
    }
    let i = args;
    let equals = -1;
    for (; i < s.length; i++) {
      const c = s.charAt(i);
      if (isSpace(c) && !inQuote) break;
      // next_arg keeps "equals == 0" as "no value", so a token starting with "=" has no value
      if (equals < 0 && c === "=" && i > args) equals = i;
      if (c === '"') inQuote = !inQuote;
    }
    if (inQuote) {
      issues.push({
        line: 1,
        code: "unterminated-quote",
        message: `quote opened at offset ${offset} is never closed`,
      });
    }
    const raw = s.slice(offset, i);
    let end = i;
    if (quoted && end > args && s.charAt(end - 1) === '"') end--;
    let key: string;
    let value: string | null;
    if (equals < 0) {
      key = s.slice(args, end);
      value = null;
    } else {
      key = s.slice(args, equals);
      let v = equals + 1;
      let vEnd = end;
      if (s.charAt(v) === '"') {
        v++;
        if (vEnd > v && s.charAt(vEnd - 1) === '"') vEnd--;
      }
      value = s.slice(v, Math.max(v, vEnd));
    }
    pos = i;
    if (!init && value === null && key === "--") {
      init = true;
      continue;
    }
    tokens.push({ raw, key, value, offset, init });
  }
  return {
    value: { line: s, tokens, byteLength: cmd.byteLength, atSizeLimit: cmd.atSizeLimit },
    issues,
  };
}
