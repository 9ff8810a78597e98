import { type ByteCount, toByteCount } from "../../byte-count.ts";
import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

export interface DfEntry {
  filesystem: string;
  /**
   * bytes (blocks × the header's block size) as exact ByteCounts (byte-count.ts: a 10 PiB target
   * in 1K-blocks passes 2^53); null for `-` (pseudo filesystems with -a) or beyond 2^64 − 1
   */
  sizeBytes: ByteCount | null;
  usedBytes: ByteCount | null;
  availableBytes: ByteCount | null;
  /** Capacity / Use% as printed, without `%`; null for `-` */
  usePercent: number | null;
  mount: string;
  /** first line of the entry */
  line: number;
  /** the entry's original text; two lines joined with "\n" when a long device name wrapped */
  text: string;
}

export interface Df {
  filesystems: DfEntry[];
  /** the filesystem holding `dir`: longest mount-point prefix, the later line on a tie (over-mount) */
  match: DfEntry | null;
  /** block size from the header (1K-blocks, 1024-blocks, 512-blocks, 1M-blocks…) */
  blockBytes: number;
}

const HEADER = /^Filesystem\s+(?:(\d{1,12})([KMG]?)-blocks|Size)\s/i;
const ROW = /^(\S+)\s+(\d{1,30}|-)\s+(\d{1,30}|-)\s+(\d{1,30}|-)\s+(\d+%|-)\s+(\/.*)$/;
/** The numbers of a wrapped row (device name alone on the line before). */
const WRAPPED = /^()(\d{1,30}|-)\s+(\d{1,30}|-)\s+(\d{1,30}|-)\s+(\d+%|-)\s+(\/.*)$/;

/**
 * Parses `df -P -k <dir>` and sos report's `df -al -x autofs` (1K-blocks; long device names wrap the
 * numbers onto the next line) and finds the filesystem holding `dir` (domain.md §6.5). Sample:
 *
 *     Filesystem                1K-blocks     Used Available Use% Mounted on
 *     /dev/mapper/ubuntu--vg-ubuntu--lv
 *                                30298176 12345678  16389348  43% /
 */
export function parseDf(text: string, dir: string): ParseResult<Df> {
  const issues: ParseIssue[] = [];
  const filesystems: DfEntry[] = [];
  let blockBytes = 1024;
  let pending: ToolLine | null = null;
  for (const src of splitLines(text)) {
    const s = src.text.trim();
    if (s === "" || s.length > 8192) continue;
    const h = HEADER.exec(s);
    if (h) {
      if (h[1])
        blockBytes =
          Number(h[1]) * ({ "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[h[2]!.toUpperCase()] ?? 1);
      else issues.push(parseIssue("human-sizes", "df -h sizes are not exact; use df -P -k", src.line));
      continue;
    }
    const wrapped = pending ? WRAPPED.exec(s) : null;
    const row = wrapped ? null : ROW.exec(s);
    if (wrapped && pending) {
      filesystems.push(
        entryOf(pending.text.trim(), wrapped, pending.line, `${pending.text}\n${src.text}`, blockBytes),
      );
      pending = null;
    } else if (row) {
      if (pending)
        issues.push(parseIssue("bad-row", `Device without numbers: ${pending.text.trim()}`, pending.line));
      pending = null;
      filesystems.push(entryOf(row[1]!, row, src.line, src.text, blockBytes));
    } else if (!/\s/.test(s) && !pending) pending = src;
    else {
      issues.push(parseIssue("bad-row", `Unrecognised df line: ${s.slice(0, 80)}`, src.line));
      pending = null;
    }
  }
  if (filesystems.length === 0) issues.push(parseIssue("no-filesystems", "No df rows found"));
  const target = normalise(dir);
  if (!target.startsWith("/")) issues.push(parseIssue("relative-dir", `Directory is not absolute: ${dir}`));
  let match: DfEntry | null = null;
  for (const fs of filesystems) {
    if (!contains(fs.mount, target)) continue;
    if (!match || fs.mount.length >= match.mount.length) match = fs;
  }
  if (filesystems.length > 0 && !match) issues.push(parseIssue("no-match", `No filesystem holds ${dir}`));
  return { value: { filesystems, match, blockBytes }, issues };
}

function entryOf(fsName: string, row: RegExpExecArray, line: number, text: string, block: number): DfEntry {
  const n = (v: string | undefined) =>
    v === undefined || v === "-" ? null : toByteCount(BigInt(v) * BigInt(block));
  const pct = row[5] === "-" ? null : Number(row[5]!.replace("%", ""));
  return {
    filesystem: fsName,
    sizeBytes: n(row[2]),
    usedBytes: n(row[3]),
    availableBytes: n(row[4]),
    usePercent: pct,
    mount: normalise(row[6]!),
    line,
    text,
  };
}

function normalise(p: string): string {
  const s = p.trim().replace(/\/{2,}/g, "/");
  return s.length > 1 ? s.replace(/\/+$/, "") : s;
}

function contains(mount: string, dir: string): boolean {
  return dir === mount || dir.startsWith(mount === "/" ? "/" : `${mount}/`);
}
