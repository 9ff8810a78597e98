/**
 * The one issue shape every parser returns (house-style §8): parsers never throw, they return the
 * value they could read plus the problems they met, each with a 1-based line number when the
 * problem belongs to one line of the input.
 */
export interface ParseIssue {
  /** 1-based line number of the input the issue is about, absent for whole-input issues */
  line?: number;
  /** stable, kebab-case machine code, e.g. "truncated", "bad-number", "unknown-line" */
  code: string;
  /** one human-readable sentence */
  message: string;
}

/** What every parser returns: the best value it could read and the issues it met on the way. */
export interface ParseResult<T> {
  value: T;
  issues: ParseIssue[];
}

/** Builds an issue without an `undefined` line (exactOptionalPropertyTypes forbids `line: undefined`). */
export function parseIssue(code: string, message: string, line?: number): ParseIssue {
  return line === undefined ? { code, message } : { line, code, message };
}
