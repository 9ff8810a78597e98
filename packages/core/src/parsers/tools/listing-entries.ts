import { type ParseIssue, parseIssue } from "../issue.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

/** One file or directory of a dump-directory listing. */
export interface ListingEntry extends ToolLine {
  /** path relative to the dump directory, "/"-separated, e.g. "202601210724/dump.202601210724" */
  path: string;
  /** d directory, f regular file, l symlink, o other, ? unknown (plain `ls` without -l) */
  type: "d" | "f" | "l" | "o" | "?";
  /** st_size in bytes; null when the listing has no sizes */
  bytes: number | null;
  /** ISO-8601 modification time when the listing gives one with a year (agent format); else null */
  mtime: string | null;
}

const AGENT = /^([dflo]) (\d+) (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) (.+)$/;
const LS_L =
  /^([-dlbcps?])[-rwxsStTl?]{9}[.+@]?\s+\d+\s+\S+\s+\S+\s+(\d+)\s+(?:\S+\s+\d{1,2}\s+(?:\d{1,2}:\d{2}|\d{4})|\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s+[+-]\d{4})?)\s(.+)$/;
const HEADER_R = /^(\/.*|\..*):$/;
const HEADER_SEP = /^--- (.+?) ---$/;

/**
 * Reads either listing form (see parseDumpListing) into entries with paths relative to the dump
 * directory. Lines longer than 4 KiB are skipped with an issue (no file name is that long).
 */
export function readListingEntries(text: string): {
  format: "agent" | "ls";
  entries: ListingEntry[];
  issues: ParseIssue[];
} {
  const lines = splitLines(text);
  const issues: ParseIssue[] = [];
  const first = lines.find((l) => l.text.trim() !== "" && !l.text.startsWith("#"));
  const format = first && AGENT.test(first.text) ? "agent" : "ls";
  const entries: ListingEntry[] = [];
  let root: string | null = null;
  let dir = "";
  let seenEntry = false;
  for (const src of lines) {
    const raw = src.text;
    const s = raw.trim();
    if (s === "") continue;
    if (s.length > 4096) {
      issues.push(parseIssue("long-line", "Line longer than 4 KiB skipped", src.line));
      continue;
    }
    if (format === "agent") {
      if (s.startsWith("#")) continue;
      const m = AGENT.exec(raw);
      if (!m) issues.push(parseIssue("bad-entry", `Not an agent listing entry: ${s.slice(0, 80)}`, src.line));
      else
        entries.push({
          ...src,
          type: m[1] as ListingEntry["type"],
          bytes: Number(m[2]),
          mtime: m[3]!,
          path: clean(m[4]!),
        });
      continue;
    }
    const header = HEADER_R.exec(s) ?? HEADER_SEP.exec(s);
    if (header) {
      const path = header[1]!.replace(/\/+$/, "");
      if (root === null && !seenEntry) {
        root = path;
        dir = "";
      } else dir = relativeDir(root, path);
      continue;
    }
    if (/^total \d+/.test(s)) continue;
    seenEntry = true;
    const l = LS_L.exec(s);
    if (l) {
      const name = l[3]!.replace(/ -> .*$/, "");
      if (name === "." || name === ".." || name === "./" || name === "../") continue;
      const type = l[1] === "-" ? "f" : l[1] === "d" || l[1] === "l" ? l[1] : "o";
      entries.push({ ...src, type, bytes: Number(l[2]), mtime: null, path: join(dir, name) });
      continue;
    }
    // Plain `ls`: names in columns separated by two or more blanks (or one per line).
    for (const name of s.split(/\t+|\s{2,}/)) {
      if (name === "" || name === "." || name === "..") continue;
      entries.push({
        ...src,
        type: name.endsWith("/") ? "d" : "?",
        bytes: null,
        mtime: null,
        path: join(dir, name),
      });
    }
  }
  return { format, entries, issues };
}

function relativeDir(root: string | null, path: string): string {
  if (root !== null && path === root) return "";
  if (root !== null && path.startsWith(`${root}/`)) return path.slice(root.length + 1);
  return path.slice(path.lastIndexOf("/") + 1);
}

function join(dir: string, name: string): string {
  const n = clean(name);
  return dir === "" ? n : `${dir}/${n}`;
}

function clean(p: string): string {
  return p.replace(/^\.\//, "").replace(/\/+$/, "");
}
