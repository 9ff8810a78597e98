import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { fieldOf, splitLines, type ToolField } from "./text-lines.ts";

export interface KdumpctlShowmem {
  /** `Reserved <N>MB memory for crash kernel` in bytes (kexec_crash_size, or fadump mem_reserved) */
  reserved: ToolField<number> | null;
}

/**
 * Parses `kdumpctl showmem` (KU `show_reserved_mem`; domain.md §5.1). Sample:
 *
 *     kdump: Reserved 256MB memory for crash kernel
 *     Reserved 0MB memory for crash kernel
 *     Reserved 512MB memory for crash kernel
 */
export function parseKdumpctlShowmem(text: string): ParseResult<KdumpctlShowmem> {
  const issues: ParseIssue[] = [];
  let reserved: ToolField<number> | null = null;
  for (const src of splitLines(text)) {
    const m = /^(?:kdump: )?Reserved (\d+)\s*MB? memory for crash kernel/i.exec(
      src.text.trim().slice(0, 200),
    );
    if (m) reserved = fieldOf(src, Number(m[1]) * 1024 * 1024);
  }
  if (!reserved) issues.push(parseIssue("no-reservation-line", "No `Reserved <N>MB memory` line"));
  return { value: { reserved }, issues };
}
