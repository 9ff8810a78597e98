/**
 * The ways a source can be read. A live host is read with files, allow-listed commands and
 * directory walks; a capture directory (product.md §3) with files only, because command outputs
 * sit there as files at their sos report names. The collector interprets these descriptions;
 * nothing here does I/O.
 */

import type { LogPick } from "../collect/log-select.ts";
import type { SectionName } from "../collect/supportconfig-section.ts";

/** How much of an over-long text to keep: boot logs matter at the start, journals at the end. */
export type Keep = "head" | "tail";

/** A file. On a live host `path` is absolute; in a capture it is relative to the capture root. */
export interface FileReader {
  kind: "file";
  path: string;
  keep?: Keep;
  /**
   * A whole system log (a capture's journal, /var/log/messages, /var/log/syslog) standing in for a
   * narrower source: only the last boot's kdump-unit or kernel lines are kept (log-select.ts).
   */
  select?: LogPick;
}

/** One section of a supportconfig flat file (supportconfig-section.ts), optionally narrowed like a log. */
export interface SectionReader {
  kind: "section";
  path: string;
  section: SectionName;
  select?: LogPick;
  /** which end of an over-long section to keep (default "head") */
  keep?: Keep;
}

/**
 * An allow-listed command, run without a shell, with LC_ALL=C, a timeout and an output cap.
 * `anyExit`: the text is evidence whatever the exit status (`kdump-config show` exits 0 when not
 * ready, `kdumpctl status` exits 3 when not operational; domain.md §4.2, §5.1).
 * `stderrFirst`: the text is stderr followed by stdout (`kdump-config show` prints its
 * `check_kdump_support` messages on stderr before the show output; EL8+ `kdumpctl` logs on stderr).
 */
export interface CommandReader {
  kind: "command";
  argv: readonly [string, ...string[]];
  anyExit?: boolean;
  stderrFirst?: boolean;
  keep?: Keep;
}

/** Every `*<suffix>` file of a directory, sorted by name, each preceded by `# file: <path>`. */
interface ConcatReader {
  kind: "concat";
  dir: string;
  suffix: string;
}

/**
 * A listing of a directory, depth ≤ 2, one entry per line:
 * `<d|f|l> <bytes> <mtime ISO-8601> <relative path>` (core's `parseDumpListing`).
 */
interface ListingReader {
  kind: "listing";
  dir: string;
}

/** One `key = value` line of a `sysctl -a` output file (a capture's fallback for /proc/sys). */
interface SysctlLineReader {
  kind: "sysctl-line";
  path: string;
  key: string;
  /** the `sysctl -a` output is one section of a supportconfig file (env.txt) */
  section?: SectionName;
}

export type Reader =
  | FileReader
  | CommandReader
  | ConcatReader
  | ListingReader
  | SysctlLineReader
  | SectionReader;

/** What the collector knows about the host before it reads the rest (see host-context.ts). */
export interface HostContext {
  /** absolute path of the local dump directory (KDUMP_COREDIR, kdump.conf `path`, /var/crash) */
  dumpDir: string;
  /** which kdump tooling the configuration files point at */
  family: "debian" | "el" | "unknown";
  /** the path `df` is asked about: dumpDir, or its nearest existing ancestor on a live host */
  dfTarget: string;
}

export const file = (path: string, keep?: Keep): FileReader =>
  keep === undefined ? { kind: "file", path } : { kind: "file", path, keep };

/** The last boot's `pick` lines of a whole system log in a capture. */
export const logLines = (path: string, select: LogPick): FileReader => ({
  kind: "file",
  path,
  keep: "tail",
  select,
});

/** A supportconfig section: a file (`/proc/cmdline`) or a command (`uname -a`) of a flat file. */
export const section = (
  path: string,
  kind: SectionName["kind"],
  name: string,
  select?: LogPick,
): SectionReader =>
  select === undefined
    ? { kind: "section", path, section: { kind, name } }
    : { kind: "section", path, section: { kind, name }, select };

/** A supportconfig section of a log, kept from its end when it is over the size cap. */
export const sectionTail = (path: string, kind: SectionName["kind"], name: string): SectionReader => ({
  kind: "section",
  path,
  section: { kind, name },
  keep: "tail",
});

export const command = (
  argv: readonly [string, ...string[]],
  options: { anyExit?: boolean; stderrFirst?: boolean; keep?: Keep } = {},
): CommandReader => ({ kind: "command", argv, ...options });

/** A short human name of a reader, used as `via` and in error details. */
export function describeReader(reader: Reader): string {
  switch (reader.kind) {
    case "file":
      return reader.path;
    case "command":
      return reader.argv.join(" ");
    case "concat":
      return `${reader.dir}/*${reader.suffix}`;
    case "listing":
      return `${reader.dir} (listing)`;
    case "sysctl-line":
      return reader.section
        ? `${reader.path} [${reader.section.name}] (${reader.key})`
        : `${reader.path} (${reader.key})`;
    case "section":
      return `${reader.path} [${reader.section.name}]`;
  }
}
