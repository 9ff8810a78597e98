import type { SourceResult } from "@kdumpwatch/core";
import type { Keep } from "../sources/reader.ts";
import { type LogPick, selectLogLines } from "./log-select.ts";
import { readFileCapped } from "./read-file.ts";
import { failure } from "./source-error.ts";
import { extractSection, type SectionName } from "./supportconfig-section.ts";

/** Whole system logs and supportconfig files are read up to this size before a source is cut out. */
export const RAW_LOG_MAX_BYTES = 16 * 1024 * 1024;

/**
 * sos keeps only the tail of an over-size file or command output: it writes it to
 * `sos_strings/<plugin>/<name>.tailed` and leaves a symlink at the usual place (sos
 * `report/plugins/__init__.py`, `_collect_tailed_files` and `_collect_cmd_output`). A text read
 * through such a link is cut at its start, whatever size cap the agent applies.
 */
function isSosTailed(realPath: string): boolean {
  return realPath.endsWith(".tailed") || /(?:^|\/)sos_strings\//.test(realPath);
}

export function markTailed(result: SourceResult, realPath: string): SourceResult {
  if (!result.ok || !isSosTailed(realPath)) return result;
  return { ...result, truncated: true };
}

/**
 * Narrows a read whole log to the lines one source stands for (log-select.ts), capped at maxBytes
 * from the end. A log whose start was cut is still complete for this purpose when the last boot
 * starts inside what was read.
 */
export function narrowLog(result: SourceResult, pick: LogPick | undefined, maxBytes: number): SourceResult {
  if (!result.ok || pick === undefined) return result;
  const selected = selectLogLines(result.text, pick);
  let text = selected.text;
  let truncated = result.truncated === true && !selected.bootStartSeen;
  if (Buffer.byteLength(text) > maxBytes) {
    const tail = Buffer.from(text).subarray(-maxBytes);
    const firstNewline = tail.indexOf(0x0a);
    text = tail.subarray(firstNewline + 1).toString("utf8");
    truncated = true;
  }
  const out: SourceResult = { ...result, text };
  delete (out as { truncated?: boolean }).truncated;
  return truncated ? { ...out, truncated: true } : out;
}

/** One section of a supportconfig flat file (supportconfig-section.ts), optionally narrowed. */
export async function readSection(
  path: string,
  name: SectionName,
  options: { label: string; maxBytes: number; select?: LogPick; keep?: Keep },
): Promise<SourceResult> {
  const whole = await readFileCapped(path, { maxBytes: RAW_LOG_MAX_BYTES, label: options.label });
  if (!whole.ok) return whole;
  const found = extractSection(whole.text, name);
  if (found === null) return failure("missing", `${options.label}: no "${name.name}" section`);
  if (found.notFound) return failure("not-found", `${options.label}: ${name.name}: command not found`);
  const result: SourceResult =
    found.truncated || whole.truncated
      ? { ok: true, text: found.text, truncated: true }
      : { ok: true, text: found.text };
  if (options.select) return narrowLog(result, options.select, options.maxBytes);
  if (Buffer.byteLength(result.text) <= options.maxBytes) return result;
  const bytes = Buffer.from(result.text);
  if (options.keep === "tail") {
    // a log is kept from its end, from a whole line on (like readFileCapped's "tail")
    const tail = bytes.subarray(-options.maxBytes);
    return { ok: true, text: tail.subarray(tail.indexOf(0x0a) + 1).toString("utf8"), truncated: true };
  }
  return { ok: true, text: bytes.subarray(0, options.maxBytes).toString("utf8"), truncated: true };
}
