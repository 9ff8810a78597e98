import { type ByteCount, toByteCount } from "../../byte-count.ts";
import type { ParseIssue } from "../issue.ts";

/**
 * Reads a one-value sysfs/procfs file: the whole text, trimmed, must be one integer. Accepts what
 * the kernel's `proc_dointvec` accepts on write – optional `-`, `0x` hex, leading-`0` octal,
 * decimal – although reads always print decimal. Returns null (with an issue) otherwise.
 */
export function readSingleInteger(
  text: unknown,
  what: string,
): { value: number | null; issues: ParseIssue[] } {
  const s = typeof text === "string" ? text.slice(0, 4096).trim() : "";
  if (s === "") return { value: null, issues: [{ code: "empty", message: `${what} is empty` }] };
  const value = parseKernelInteger(s);
  if (value === null) {
    return {
      value: null,
      issues: [{ line: 1, code: "not-an-integer", message: `${what} is not one integer: ${s.slice(0, 80)}` }],
    };
  }
  return { value, issues: [] };
}

/** Base-0 integer like the kernel's `simple_strtol(s, &end, 0)` with nothing left over; null otherwise. */
export function parseKernelInteger(s: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]{1,16}|0[0-7]*|[1-9][0-9]{0,19})$/.exec(s);
  if (!m) return null;
  const digits = m[2] as string;
  let v: number;
  if (/^0[xX]/.test(digits)) v = Number.parseInt(digits.slice(2), 16);
  else if (digits.length > 1 && digits.startsWith("0")) v = Number.parseInt(digits.slice(1), 8);
  else v = Number.parseInt(digits, 10);
  return m[1] === "-" && v !== 0 ? -v : v;
}

/**
 * A one-value file holding a byte count (`kexec_crash_size`, `fadump/mem_reserved`): a decimal,
 * `0x` hex or leading-`0` octal integer, exact up to 2^64 − 1 (the kernel prints an unsigned
 * 64-bit value). Null (with an issue) for anything else, a negative value included.
 */
export function readSingleByteCount(
  text: unknown,
  what: string,
): { value: ByteCount | null; issues: ParseIssue[] } {
  const s = typeof text === "string" ? text.slice(0, 4096).trim() : "";
  if (s === "") return { value: null, issues: [{ code: "empty", message: `${what} is empty` }] };
  const m = /^\+?(0[xX][0-9a-fA-F]{1,16}|0[0-7]{0,22}|[1-9][0-9]{0,19})$/.exec(s);
  let v: bigint | null = null;
  if (m) {
    const digits = m[1] as string;
    if (/^0[xX]/.test(digits)) v = BigInt(digits);
    else if (digits.length > 1 && digits.startsWith("0")) v = BigInt(`0o${digits.slice(1)}`);
    else v = BigInt(digits);
  }
  const value = toByteCount(v);
  if (value !== null) return { value, issues: [] };
  const negative = /^-\s*[0-9]/.test(s);
  return {
    value: null,
    issues: [
      negative
        ? { line: 1, code: "negative", message: `${what} is negative` }
        : { line: 1, code: "not-a-byte-count", message: `${what} is not one byte count: ${s.slice(0, 80)}` },
    ],
  };
}
