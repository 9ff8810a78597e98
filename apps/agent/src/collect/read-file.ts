import { type FileHandle, open } from "node:fs/promises";
import type { SourceResult } from "@kdumpwatch/core";
import type { Keep } from "../sources/reader.ts";
import { CappedBuffer } from "./capped-buffer.ts";
import { fromErrno } from "./source-error.ts";

const CHUNK = 64 * 1024;

/** How a file is opened: `open` of node:fs/promises unless a test replaces the fs boundary. */
export type OpenFile = (path: string, flags: "r") => Promise<FileHandle>;

/**
 * Reads a file to at most maxBytes (its head or its tail). Works on /proc and /sys files, whose
 * stat size is 0 or a page, by reading until end of file rather than trusting the size.
 */
export async function readFileCapped(
  path: string,
  options: { maxBytes: number; keep?: Keep; label?: string; openFile?: OpenFile },
): Promise<SourceResult> {
  const label = options.label ?? path;
  const buffer = new CappedBuffer(options.maxBytes, options.keep ?? "head");
  let handle: FileHandle | undefined;
  try {
    handle = await (options.openFile ?? open)(path, "r");
    if (options.keep === "tail") {
      // regular files: skip straight to the part that will be kept
      const { size } = await handle.stat();
      if (size > 2 * options.maxBytes) {
        await readInto(handle, buffer, size - options.maxBytes - CHUNK);
        buffer.markSkipped();
        return done(buffer);
      }
    }
    await readInto(handle, buffer, null);
    return done(buffer);
  } catch (err) {
    return fromErrno(err, label);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function readInto(handle: FileHandle, buffer: CappedBuffer, start: number | null): Promise<void> {
  // null = sequential reads: some /proc files do not support positioned reads
  let position = start === null ? null : Math.max(0, start);
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
    if (bytesRead === 0) return;
    if (position !== null) position += bytesRead;
    if (!buffer.push(chunk.subarray(0, bytesRead))) return;
  }
}

function done(buffer: CappedBuffer): SourceResult {
  const text = buffer.text();
  return buffer.truncated ? { ok: true, text, truncated: true } : { ok: true, text };
}
