/**
 * Line splitting shared by the tool-side parsers. Every parser reads its input through
 * `splitLines`, so CRLF, lone CR, a leading BOM and a missing final newline behave the same
 * everywhere, and line numbers in issues and evidence are 1-based positions in the original text.
 */

/** One line of the input, exactly as it was (line terminator removed). */
export interface ToolLine {
  /** 1-based line number in the input */
  line: number;
  /** the original line, without its CR/LF terminator; tabs and spacing untouched */
  text: string;
}

/** A value read from one line, with that line as evidence. */
export interface ToolField<T> extends ToolLine {
  value: T;
}

/**
 * Splits text into lines. Accepts anything: a non-string (from an untyped caller) reads as empty.
 * A trailing newline does not produce an extra empty line.
 */
export function splitLines(text: unknown): ToolLine[] {
  if (typeof text !== "string" || text.length === 0) return [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parts = body.split(/\r\n|\r|\n/);
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts.map((t, i) => ({ line: i + 1, text: t }));
}

/** True when the text does not end with a newline: the last line may have been cut mid-way. */
export function endsMidLine(text: unknown): boolean {
  return typeof text === "string" && text.length > 0 && !/[\r\n]$/.test(text);
}

/** Builds a field from a line and a value. */
export function fieldOf<T>(src: ToolLine, value: T): ToolField<T> {
  return { line: src.line, text: src.text, value };
}
