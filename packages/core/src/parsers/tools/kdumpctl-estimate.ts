import { type ByteCount, toByteCount } from "../../byte-count.ts";
import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { parseSizeText } from "./parse-size-text.ts";
import { fieldOf, splitLines, type ToolField, type ToolLine } from "./text-lines.ts";

export interface LargeModule extends ToolLine {
  name: string;
  bytes: ByteCount;
}

/** Sizes in bytes as exact ByteCounts (byte-count.ts), each with its line. */
export interface KdumpctlEstimate {
  /** `Reserved crashkernel:` — what is reserved now */
  reserved: ToolField<ByteCount> | null;
  /** `Recommended crashkernel:` — max(arch baseline, estimate) */
  recommended: ToolField<ByteCount> | null;
  kernelImage: ToolField<ByteCount> | null;
  kernelModules: ToolField<ByteCount> | null;
  initramfs: ToolField<ByteCount> | null;
  runtime: ToolField<ByteCount> | null;
  /** `LUKS required size:` — only with an encrypted dump target */
  luks: ToolField<ByteCount> | null;
  /** `Encrypted kdump target requires extra memory, …` */
  encryptedTarget: ToolLine | null;
  largeModules: LargeModule[];
  /** `WARNING: Current crashkernel size is lower than recommended size <N>M.` (value = N in bytes) */
  warning: ToolField<ByteCount | null> | null;
}

type SizeKey =
  | "reserved"
  | "recommended"
  | "kernelImage"
  | "kernelModules"
  | "initramfs"
  | "runtime"
  | "luks";

const KEYS: Array<[string, SizeKey]> = [
  ["Reserved crashkernel", "reserved"],
  ["Recommended crashkernel", "recommended"],
  ["Kernel image size", "kernelImage"],
  ["Kernel modules size", "kernelModules"],
  ["Initramfs size", "initramfs"],
  ["Runtime reservation", "runtime"],
  ["LUKS required size", "luks"],
];

/**
 * Parses `kdumpctl estimate` (KU `do_estimate`; domain.md §5.1). Sample:
 *
 *     Reserved crashkernel:    192M
 *     Recommended crashkernel: 256M
 *     WARNING: Current crashkernel size is lower than recommended size 256M.
 */
export function parseKdumpctlEstimate(text: string): ParseResult<KdumpctlEstimate> {
  const issues: ParseIssue[] = [];
  const out: KdumpctlEstimate = {
    reserved: null,
    recommended: null,
    kernelImage: null,
    kernelModules: null,
    initramfs: null,
    runtime: null,
    luks: null,
    encryptedTarget: null,
    largeModules: [],
    warning: null,
  };
  let inModules = false;
  for (const src of splitLines(text)) {
    const s = src.text.replace(/^kdump: /, "").trim();
    if (s === "" || s.length > 4096) continue;
    const kv = /^([A-Za-z ]+?):\s*(.*)$/.exec(s);
    const key = kv ? KEYS.find(([k]) => k === kv[1]) : undefined;
    if (kv && key) {
      inModules = false;
      const bytes = parseSizeText(kv[2]!);
      if (bytes === null) issues.push(parseIssue("bad-size", `Unreadable size: ${s}`, src.line));
      else out[key[1]] = fieldOf(src, bytes);
    } else if (/^Large modules:/.test(s)) inModules = true;
    else if (/^WARNING: Current crashkernel size is lower than recommended/.test(s)) {
      const m = /recommended size (\S+?)\.?$/.exec(s);
      out.warning = fieldOf(src, m ? parseSizeText(m[1]!) : null);
    } else if (/^Encrypted kdump target requires extra memory/.test(s)) out.encryptedTarget = src;
    else if (inModules && /^\S+: \d{1,30}$/.test(s)) {
      const [name, size] = s.split(": ");
      const bytes = toByteCount(BigInt(size!));
      if (bytes === null) issues.push(parseIssue("bad-size", `Unreadable size: ${s}`, src.line));
      else out.largeModules.push({ line: src.line, text: src.text, name: name!, bytes });
    } else issues.push(parseIssue("unknown-line", `Unrecognised line: ${s.slice(0, 80)}`, src.line));
  }
  if (!out.reserved && !out.recommended)
    issues.push(parseIssue("no-estimate", "No Reserved/Recommended lines"));
  return { value: out, issues };
}
