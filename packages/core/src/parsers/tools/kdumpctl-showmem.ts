import { type ByteCount, toByteCount } from "../../byte-count.ts";
import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { fieldOf, splitLines, type ToolField } from "./text-lines.ts";

export interface KdumpctlShowmem {
  /** `Reserved <N>MB memory for crash kernel` in bytes (kexec_crash_size, or fadump mem_reserved) */
  reserved: ToolField<ByteCount> | null;
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
  let reserved: ToolField<ByteCount> | null = null;
  for (const src of splitLines(text)) {
    const m = /^(?:kdump: )?Reserved (\d{1,30})\s*MB? memory for crash kernel/i.exec(
      src.text.trim().slice(0, 200),
    );
    // exact in integers: the MB count × 2^20 may pass 2^53 (byte-count.ts)
    const bytes = m ? toByteCount(BigInt(m[1]!) << 20n) : null;
    if (bytes !== null) reserved = fieldOf(src, bytes);
    else if (m) issues.push(parseIssue("bad-size", `Size beyond 2^64 bytes: ${m[1]}MB`, src.line));
  }
  if (!reserved) issues.push(parseIssue("no-reservation-line", "No `Reserved <N>MB memory` line"));
  return { value: { reserved }, issues };
}
