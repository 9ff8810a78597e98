import { mkdir, open, symlink, utimes, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import type { Snapshot, SourceId, SourceResult } from "@kdumpwatch/core";
import { SOURCE_IDS } from "@kdumpwatch/core";
import { deriveHostContext } from "../sources/host-context.ts";
import type { Reader } from "../sources/reader.ts";
import { SOURCE_TABLE, type SourceSpec } from "../sources/table.ts";
import {
  CAPTURE_RECORD_FILE,
  CAPTURE_RECORD_FORMAT,
  type CaptureRecord,
  type CaptureRecordEntry,
} from "./capture-record.ts";

/**
 * Writes a snapshot as a capture directory (product.md §3): each source at the first capture
 * path of the sources table (files at their real paths, command outputs at their sos report
 * names), the dump directory re-created as empty sparse files of the listed sizes and times, and
 * `kdumpwatch.json` recording errors, truncation and exit statuses. Reading the result back with
 * `--root` goes through the same table, so it judges the same. Returns the files written.
 */
export async function writeCapture(
  snapshot: Snapshot,
  outDir: string,
  options: { agentVersion: string; table?: Readonly<Record<SourceId, SourceSpec>> },
): Promise<string[]> {
  const table = options.table ?? SOURCE_TABLE;
  const textOf = (id: SourceId) => {
    const r = snapshot.sources[id];
    return r?.ok ? r.text : null;
  };
  const ctx = deriveHostContext(textOf("etc_default_kdump_tools"), textOf("kdump_conf"));
  const written: string[] = [];
  const record: CaptureRecord = {
    format: CAPTURE_RECORD_FORMAT,
    collectedAt: snapshot.collectedAt,
    agentVersion: options.agentVersion,
    sources: {},
  };

  for (const id of SOURCE_IDS) {
    const result = snapshot.sources[id];
    if (!result) continue;
    record.sources[id] = recordEntry(result);
    if (!result.ok) continue;
    const target = table[id].capture(ctx)[0];
    if (!target) continue;
    written.push(...(await writeSource(outDir, target, result.text)));
  }
  const recordPath = join(outDir, CAPTURE_RECORD_FILE);
  await writeFile(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  written.push(recordPath);
  return written;
}

function recordEntry(result: SourceResult): CaptureRecordEntry {
  const entry: CaptureRecordEntry = {};
  if (result.via !== undefined) entry.via = result.via;
  if (!result.ok) {
    entry.error = result.error;
    if (result.detail !== undefined) entry.detail = result.detail;
    return entry;
  }
  if (result.truncated) entry.truncated = true;
  if (result.exitCode !== undefined) entry.exitCode = result.exitCode;
  return entry;
}

async function writeSource(outDir: string, target: Reader, text: string): Promise<string[]> {
  switch (target.kind) {
    case "file":
      return [await writeText(outDir, target.path, text)];
    case "concat":
      return writeConcatenated(outDir, target.dir, text);
    case "listing":
      return writeListing(outDir, target.dir, text);
    case "command":
    case "sysctl-line":
    case "section":
      return []; // never a first capture reader
  }
}

async function writeText(outDir: string, path: string, text: string): Promise<string> {
  const full = inside(outDir, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, text);
  return full;
}

/** Splits the `# file: <path>` sections of a concatenated directory back into files. */
async function writeConcatenated(outDir: string, dir: string, text: string): Promise<string[]> {
  await mkdir(inside(outDir, dir), { recursive: true });
  const written: string[] = [];
  const sections = text.split(/^# file: /m).filter((s) => s !== "");
  for (const section of sections) {
    const newline = section.indexOf("\n");
    const header = newline < 0 ? section : section.slice(0, newline);
    const name = posix.basename(header.trim());
    if (name === "" || name === "." || name === "..") continue;
    written.push(await writeText(outDir, `${dir}/${name}`, newline < 0 ? "" : section.slice(newline + 1)));
  }
  return written;
}

/**
 * Re-creates a listed dump directory: directories, and files as sparse files of the listed size
 * (a multi-gigabyte vmcore costs no disk), with the listed modification times. Symlink targets
 * are not in the listing; a dangling link keeps the entry's type.
 */
async function writeListing(outDir: string, dir: string, text: string): Promise<string[]> {
  const base = inside(outDir, dir);
  await mkdir(base, { recursive: true });
  const written: string[] = [];
  const times: { path: string; mtime: Date }[] = [];
  for (const line of text.split("\n")) {
    const match = /^(?<type>[dfl]) (?<size>\d+) (?<mtime>\S+) (?<relative>.+)$/.exec(line);
    const { type, size, mtime, relative } = match?.groups ?? {};
    if (!type || !size || !mtime || !relative) continue;
    if (relative.split("/").some((part) => part === ".." || part === "." || part === "")) continue;
    const full = join(base, relative);
    await mkdir(dirname(full), { recursive: true });
    if (type === "d") {
      await mkdir(full, { recursive: true });
    } else if (type === "l") {
      await symlink("kdumpwatch-target-not-recorded", full).catch(() => undefined);
      continue;
    } else {
      const handle = await open(full, "w");
      await handle.truncate(Number(size));
      await handle.close();
      written.push(full);
    }
    const date = new Date(mtime);
    if (!Number.isNaN(date.getTime())) times.push({ path: full, mtime: date });
  }
  // deepest first, so creating a child does not bump its parent's time again
  for (const { path, mtime } of times.sort((a, b) => b.path.length - a.path.length)) {
    await utimes(path, mtime, mtime);
  }
  return written;
}

/** `outDir` + a table path (absolute real path or sos-relative path), never escaping outDir. */
function inside(outDir: string, path: string): string {
  const normalized = posix.normalize(`/${path}`);
  if (normalized.split("/").includes("..")) throw new Error(`refusing to write outside the capture: ${path}`);
  return join(outDir, normalized);
}
