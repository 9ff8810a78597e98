/**
 * One line per event on stderr, logfmt style, for journald: `level=info msg="connected" hostId=h1`.
 * No timestamp (journald adds its own). Values from the server or a host are untrusted: quotes,
 * backslashes and control characters are escaped so one event can never span or forge lines.
 */
import type { LogFields, Logger, LogLevel } from "./ports.ts";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function escapeText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we escape
  return value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    if (c === "\\") return "\\\\";
    if (c === '"') return '\\"';
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** Bare when it is a plain token, quoted otherwise. */
function formatValue(value: string): string {
  const escaped = escapeText(value);
  return escaped === value && /^[^\s="]+$/.test(value) ? value : `"${escaped}"`;
}

export function formatLogLine(level: LogLevel, msg: string, fields?: LogFields): string {
  let line = `level=${level} msg="${escapeText(msg)}"`;
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (value === undefined) continue;
    const safeKey = key.replace(/[^A-Za-z0-9_.-]/g, "_");
    line += ` ${safeKey}=${value === null ? "null" : formatValue(String(value))}`;
  }
  return line;
}

export interface LogfmtOptions {
  write: (line: string) => void;
  minLevel?: LogLevel;
}

export function createLogfmtLogger({ write, minLevel = "info" }: LogfmtOptions): Logger {
  return {
    log(level, msg, fields) {
      if (ORDER[level] < ORDER[minLevel]) return;
      write(`${formatLogLine(level, msg, fields)}\n`);
    },
  };
}
