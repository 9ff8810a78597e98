import type { SourceResult } from "@kdumpwatch/core";
import { readFileCapped } from "./read-file.ts";
import { failure } from "./source-error.ts";

/**
 * The value of one key from a `sysctl -a` output file, as /proc/sys would print it:
 *   kernel.sysrq = 176        →  "176\n"
 * Used in captures (sos_commands/kernel/sysctl_-a) whose proc/sys tree was not copied.
 */
export async function readSysctlLine(
  path: string,
  key: string,
  options: { maxBytes: number; label: string },
): Promise<SourceResult> {
  const whole = await readFileCapped(path, { maxBytes: options.maxBytes, label: options.label });
  if (!whole.ok) return whole;
  const prefix = `${key} =`;
  for (const line of whole.text.split(/\r?\n/)) {
    if (line.startsWith(prefix)) return { ok: true, text: `${line.slice(prefix.length).trim()}\n` };
  }
  return failure("missing", `${options.label}: no ${key} line`);
}
