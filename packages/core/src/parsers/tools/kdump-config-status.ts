import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import type { KdumpConfigMessage } from "./kdump-config-show.ts";
import type { DumpState } from "./kdump-show-values.ts";
import { classifyKdumpToolsMessage } from "./kdump-tools-message.ts";
import { fieldOf, splitLines, type ToolField } from "./text-lines.ts";

export interface KdumpConfigStatus {
  /** null when no state line was found */
  state: ToolField<DumpState> | null;
  messages: KdumpConfigMessage[];
}

/**
 * Parses `kdump-config status` (KT `status)` branch; domain.md §4.3). Note the spaces before the
 * colon, unlike `show`; the exit status is 0 either way (trap 11). Sample:
 *
 *      * /etc/default/kdump-tools: USE_KDUMP is not set or zero
 *     current state   : Not ready to kdump
 *     current state   : ready to fadump
 */
export function parseKdumpConfigStatus(text: string): ParseResult<KdumpConfigStatus> {
  const issues: ParseIssue[] = [];
  const out: KdumpConfigStatus = { state: null, messages: [] };
  for (const src of splitLines(text)) {
    const s = src.text.trim();
    if (s === "") continue;
    const m = /^current state\s*:\s*(ready|Not ready) to (kdump|fadump)$/i.exec(s.length > 200 ? "" : s);
    if (m) {
      out.state = fieldOf(src, {
        ready: m[1]!.toLowerCase() === "ready",
        mode: m[2]!.toLowerCase() as DumpState["mode"],
      });
      continue;
    }
    const msg = classifyKdumpToolsMessage(s);
    if (msg) out.messages.push({ line: src.line, text: src.text, ...msg });
    else issues.push(parseIssue("unknown-line", `Unrecognised line: ${s.slice(0, 80)}`, src.line));
  }
  if (!out.state) issues.push(parseIssue("no-state", "No `current state` line"));
  return { value: out, issues };
}
