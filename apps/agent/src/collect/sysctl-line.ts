import type { SourceResult } from "@kdumpwatch/core";
import { readFileCapped } from "./read-file.ts";
import { failure } from "./source-error.ts";
import { extractSection, type SectionName } from "./supportconfig-section.ts";

/**
 * The value of one key from a `sysctl -a` output file, as /proc/sys would print it:
 *   kernel.sysrq = 176        →  "176\n"
 * Used in captures (sos_commands/kernel/sysctl_-a, supportconfig env.txt's `sysctl -a` section)
 * whose proc/sys tree was not copied.
 */
export async function readSysctlLine(
  path: string,
  key: string,
  options: { maxBytes: number; label: string; section?: SectionName },
): Promise<SourceResult> {
  const whole = await readFileCapped(path, { maxBytes: options.maxBytes, label: options.label });
  if (!whole.ok) return whole;
  const text = options.section ? extractSection(whole.text, options.section)?.text : whole.text;
  if (text === undefined) return failure("missing", `${options.label}: no ${options.section?.name} section`);
  const prefix = `${key} =`;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(prefix)) return { ok: true, text: `${line.slice(prefix.length).trim()}\n` };
  }
  return failure("missing", `${options.label}: no ${key} line`);
}
