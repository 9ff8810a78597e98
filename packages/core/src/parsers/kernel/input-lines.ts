import type { ParseIssue } from "../issue.ts";

/** Caps for one input: parsers look at no more than this, however large the text. */
export interface InputCap {
  /** characters (UTF-16 code units) read from the start of the text */
  maxChars: number;
  /** lines kept after splitting */
  maxLines: number;
}

export interface InputLines {
  /** lines without their terminator (`\n`, `\r\n`); index 0 is line 1 */
  lines: string[];
  /** the input was cut at a cap */
  truncated: boolean;
  issues: ParseIssue[];
}

/**
 * Splits text into lines the way every kernel-side parser needs it: tolerant of a non-string
 * argument, a BOM, CRLF endings, U+FFFD from non-UTF-8 bytes, and huge input (house-style §8).
 * When the text is cut at `maxChars` the partial last line is dropped so that no parser reads
 * half a number.
 */
export function splitInputLines(text: unknown, cap: InputCap): InputLines {
  const issues: ParseIssue[] = [];
  let s = typeof text === "string" ? text : "";
  if (typeof text !== "string" && text !== undefined && text !== null) {
    issues.push({ code: "not-text", message: "input was not a string; treated as empty" });
  }
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  let truncated = false;
  let cutMidLine = false;
  if (s.length > cap.maxChars) {
    cutMidLine = s.charAt(cap.maxChars) !== "\n" && s.charAt(cap.maxChars - 1) !== "\n";
    s = s.slice(0, cap.maxChars);
    truncated = true;
  }
  const lines = s.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (cutMidLine && lines.length > 1) lines.pop();
  if (lines.length > cap.maxLines) {
    lines.length = cap.maxLines;
    truncated = true;
  }
  let crlf = false;
  let firstReplacement = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith("\r")) {
      lines[i] = line.slice(0, -1);
      crlf = true;
    }
    if (firstReplacement === 0 && line.includes("\uFFFD")) firstReplacement = i + 1;
  }
  if (truncated) {
    issues.push({
      code: "truncated",
      message: `input larger than the parser's cap (${cap.maxChars} characters / ${cap.maxLines} lines); only the start was read`,
    });
  }
  if (crlf) issues.push({ code: "crlf", message: "CRLF line endings were normalised" });
  if (firstReplacement > 0) {
    issues.push({
      line: firstReplacement,
      code: "invalid-utf8",
      message: "input contains U+FFFD replacement characters (bytes that were not valid UTF-8)",
    });
  }
  return { lines, truncated, issues };
}
