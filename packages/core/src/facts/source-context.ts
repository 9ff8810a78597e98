/**
 * What every fact builder needs from the snapshot: the text of a source, parsing it while
 * collecting the parser's issues, and evidence lines. Keeps the builders free of bookkeeping.
 */
import type { Evidence } from "../checks/check.ts";
import type { ParseResult } from "../parsers/issue.ts";
import type { Snapshot, SourceId } from "../sources.ts";

export interface SourceContext {
  snapshot: Snapshot;
  /** text of a source that was read, else null */
  text(id: SourceId): string | null;
  /** parses a source that was read; issues go to `issues` as "<source>:<line>: <message>" */
  parse<T>(id: SourceId, parser: (text: string) => ParseResult<T>): T | null;
  /** records a problem met while building facts (never thrown) */
  note(id: SourceId | "facts", message: string, line?: number): void;
  issues: string[];
  /** sources whose parser threw */
  unparsed: SourceId[];
}

export function createSourceContext(snapshot: Snapshot): SourceContext {
  const issues: string[] = [];
  const unparsed: SourceId[] = [];
  // parsed value per source and parser function, so builders can share parses without threading them
  const cache = new Map<SourceId, Map<unknown, unknown>>();
  const text = (id: SourceId): string | null => {
    const r = snapshot.sources?.[id];
    return r?.ok === true && typeof r.text === "string" ? r.text : null;
  };
  const note = (id: SourceId | "facts", message: string, line?: number): void => {
    issues.push(line === undefined ? `${id}: ${message}` : `${id}:${line}: ${message}`);
  };
  return {
    snapshot,
    text,
    note,
    issues,
    unparsed,
    parse<T>(id: SourceId, parser: (t: string) => ParseResult<T>): T | null {
      const t = text(id);
      if (t === null) return null;
      let perSource = cache.get(id);
      if (perSource === undefined) {
        perSource = new Map();
        cache.set(id, perSource);
      }
      if (perSource.has(parser)) return perSource.get(parser) as T;
      let value: T | null = null;
      try {
        const result = parser(t);
        for (const issue of result.issues) note(id, issue.message, issue.line);
        value = result.value;
      } catch (error) {
        // parsers promise never to throw; if one does, the source counts as unparsed
        note(id, `parser failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!unparsed.includes(id)) unparsed.push(id);
      }
      perSource.set(parser, value);
      return value;
    },
  };
}

export function ev(source: SourceId, text: string): Evidence {
  return { source, text };
}

/** The first non-empty line of a source, trimmed of its line end (for one-value /proc and /sys files). */
export function firstLine(text: string | null): string | null {
  if (text === null) return null;
  const line = text.split(/\r\n|\r|\n/).find((l) => l.trim() !== "");
  return line === undefined ? null : line;
}
