/**
 * One-value /proc and /sys files (`1`, `201326592`, `-1`) as facts: the value the kernel parser
 * read plus the line itself for evidence.
 */
import type { ParseResult } from "../parsers/issue.ts";
import { readSingleInteger } from "../parsers/kernel/sysfs-integer.ts";
import type { SourceId } from "../sources.ts";
import { firstLine, type SourceContext } from "./source-context.ts";

export interface ReadValue<T> {
  /** null when the source was not read or did not parse */
  value: T | null;
  /** the line read, for evidence; null when not read */
  text: string | null;
}

/** Parses a one-value source with `parser` and picks the field with `pick`. */
export function readValue<R, T>(
  ctx: SourceContext,
  id: SourceId,
  parser: (text: string) => ParseResult<R>,
  pick: (value: R) => T | null,
): ReadValue<T> {
  const parsed = ctx.parse(id, parser);
  return { value: parsed === null ? null : pick(parsed), text: firstLine(ctx.text(id)) };
}

function parseInteger(text: string): ParseResult<number | null> {
  const r = readSingleInteger(text, "value");
  return { value: r.value, issues: r.issues };
}

/** An integer sysctl (`/proc/sys/...`), in any base the kernel accepts. */
export function readInteger(ctx: SourceContext, id: SourceId): ReadValue<number> {
  return readValue(ctx, id, parseInteger, (v) => v);
}
