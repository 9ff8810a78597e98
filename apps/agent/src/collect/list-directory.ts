import type { Dirent, Stats } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import type { SourceResult } from "@kdumpwatch/core";
import { failure, fromErrno } from "./source-error.ts";

const LISTING_MAX_DEPTH = 2;
const LISTING_MAX_ENTRIES = 1000;

/**
 * The dump directory as text, one entry per line, sorted by path, depth ≤ 2:
 *   d 4096 2026-01-21T07:31:00Z 202601210724
 *   f 51753823 2026-01-21T07:24:00Z 202601210724/dump.202601210724
 *   f 28838 2026-01-21T07:24:00Z linux-image-6.18.0-8-generic-202601210724.crash
 * Type `d` directory, `f` regular file, `l` symbolic link (never followed), `o` other; size in bytes as
 * lstat reports it; mtime in UTC to the second. Control characters in names become `?` so an
 * entry is always one line. Stamp directories and their dump files sit at depth 1 and 2
 * (domain.md §4.6, §5.1), which is all core needs to see. The format is the one core's
 * `parseDumpListing` documents as "the agent's own format".
 */
export async function listDirectory(
  dir: string,
  options: { maxEntries?: number; label?: string } = {},
): Promise<SourceResult> {
  const label = options.label ?? dir;
  const maxEntries = options.maxEntries ?? LISTING_MAX_ENTRIES;
  let top: Stats;
  try {
    top = await lstat(dir);
  } catch (err) {
    return fromErrno(err, label);
  }
  if (!top.isDirectory()) return failure("failed", `${label}: not a directory`);

  const lines: string[] = [];
  let truncated = false;
  const walk = async (absolute: string, relative: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch (err) {
      if (depth === 1) throw err;
      return; // an unreadable stamp directory still shows as its own `d` line
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (lines.length >= maxEntries) {
        truncated = true;
        return;
      }
      const childAbsolute = `${absolute}/${entry.name}`;
      const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
      let stats: Stats;
      try {
        stats = await lstat(childAbsolute);
      } catch {
        continue; // removed while we walked
      }
      lines.push(formatEntry(stats, childRelative));
      if (stats.isDirectory() && depth < LISTING_MAX_DEPTH) {
        await walk(childAbsolute, childRelative, depth + 1);
      }
    }
  };
  try {
    await walk(dir, "", 1);
  } catch (err) {
    return fromErrno(err, label);
  }
  const text = lines.map((l) => `${l}\n`).join("");
  return truncated ? { ok: true, text, truncated: true } : { ok: true, text };
}

function formatEntry(stats: Stats, relative: string): string {
  const type = stats.isDirectory() ? "d" : stats.isSymbolicLink() ? "l" : stats.isFile() ? "f" : "o";
  const mtime = new Date(Math.floor(stats.mtimeMs / 1000) * 1000).toISOString().replace(".000Z", "Z");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters would split the line
  const safe = relative.replace(/[\u0000-\u001f\u007f]/g, "?");
  return `${type} ${stats.size} ${mtime} ${safe}`;
}
