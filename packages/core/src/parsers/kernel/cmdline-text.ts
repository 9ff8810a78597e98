import type { ParseIssue } from "../issue.ts";
import { utf8ByteLength } from "./utf8-length.ts";

/**
 * x86 `COMMAND_LINE_SIZE` (arch/x86/include/asm/setup.h, domain.md §9 trap 22). The buffer holds the
 * terminating NUL, so the longest command line the kernel keeps is one byte shorter.
 */
export const COMMAND_LINE_SIZE = 2048;

/** Longer input is not a kernel command line any more (s390 allows 4096 at most); we stop there. */
const MAX_CMDLINE_CHARS = 65_536;

export interface CmdlineText {
  /** the command line as the kernel holds it: one line, no trailing newline */
  line: string;
  /** its size in bytes (UTF-8) */
  byteLength: number;
  /** byteLength ≥ COMMAND_LINE_SIZE − 1: the line may have been cut by the kernel (trap 22) */
  atSizeLimit: boolean;
  issues: ParseIssue[];
}

/**
 * Turns `/proc/cmdline` text into the string the kernel parsed: drops the newline `/proc` adds (and
 * a CR), keeps only the first line, stops at a NUL as the kernel's C strings do.
 */
export function readCmdlineText(text: unknown, limitBytes: number = COMMAND_LINE_SIZE): CmdlineText {
  const issues: ParseIssue[] = [];
  let s = typeof text === "string" ? text : "";
  if (s.length > MAX_CMDLINE_CHARS) {
    s = s.slice(0, MAX_CMDLINE_CHARS);
    issues.push({
      code: "truncated",
      message: `command line longer than ${MAX_CMDLINE_CHARS} characters; cut`,
    });
  }
  const nul = s.indexOf("\0");
  if (nul >= 0) {
    s = s.slice(0, nul);
    issues.push({
      code: "nul-byte",
      message: "command line contains a NUL byte; the kernel stops reading there",
    });
  }
  const newline = s.indexOf("\n");
  if (newline >= 0) {
    if (s.slice(newline + 1).trim() !== "") {
      issues.push({
        line: 2,
        code: "extra-lines",
        message: "command line text has more than one line; only the first is used",
      });
    }
    s = s.slice(0, newline);
  }
  if (s.endsWith("\r")) s = s.slice(0, -1);
  if (s.includes("\uFFFD")) {
    issues.push({
      line: 1,
      code: "invalid-utf8",
      message: "command line contains U+FFFD (bytes that were not valid UTF-8)",
    });
  }
  const byteLength = utf8ByteLength(s);
  const atSizeLimit = byteLength >= limitBytes - 1;
  if (atSizeLimit) {
    issues.push({
      line: 1,
      code: "cmdline-size-limit",
      message: `command line is ${byteLength} bytes, at or beyond the kernel limit of ${limitBytes - 1}: parameters at its end (e.g. crashkernel=) may have been cut off`,
    });
  }
  return { line: s, byteLength, atSizeLimit, issues };
}
