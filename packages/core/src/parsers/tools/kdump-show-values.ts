import type { ByteCount } from "../../byte-count.ts";
import { type ParseIssue, parseIssue } from "../issue.ts";
import { parseSizeText } from "./parse-size-text.ts";
import { fieldOf, type ToolField, type ToolLine } from "./text-lines.ts";

/** `0x…` alone on a line: a crashkernel address as kdump-config prints it. */
export const BARE_ADDR = /^0x[0-9a-fA-F]*$/;

// The values of single `kdump-config show` lines (KT `kdump_show`; domain.md §4.2).

/** One start address of the `crashkernel addr:` block (one per `Crash kernel` iomem line). */
export interface CrashkernelAddress extends ToolLine {
  /** as printed, e.g. "0x5f000000"; "0x" when iomem was read without root */
  hex: string;
  /** the address as a number; null when zeroed ("0x") */
  start: number | null;
}

export interface CrashkernelAddr extends ToolLine {
  /** reserved: ≥1 address; empty: nothing reserved; zeroed: "0x" only (non-root read, trap 10) */
  state: "reserved" | "empty" | "zeroed";
  /** the first line's address plus every bare `0x…` line after it (low + high regions, trap 6) */
  addresses: CrashkernelAddress[];
}

/** `current state:` — /sys/kernel/kexec_crash_loaded (or fadump_registered) == 1, nothing else. */
export interface DumpState {
  ready: boolean;
  mode: "kdump" | "fadump";
}

export interface SuggestedSize {
  /** the suggestion in bytes; null when "Unknown (…)" */
  bytes: ByteCount | null;
  /** the reason inside "Unknown (…)", e.g. "can't find decompressed initrd size" */
  unknownReason: string | null;
}

/**
 * The `kexec command:` block: the content of $KDUMP_COREDIR/kexec_cmd, written on the last
 * SUCCESSFUL load and kept across reboots. It is history, never proof of a current load (trap 12).
 */
export interface KexecCommandBlock extends ToolLine {
  historical: true;
  /** false for "no kexec command recorded" */
  recorded: boolean;
  /** the command, lines trimmed and joined with a space; null when not recorded or absent */
  command: string | null;
  /** the block's lines after the header, as printed */
  lines: ToolLine[];
  /** the recorded command used kexec_file_load (`-s`, `--kexec-file-syscall`) */
  fileLoad: boolean;
}

export function addressOf(src: ToolLine, hex: string): CrashkernelAddress {
  const digits = hex.slice(2);
  return { line: src.line, text: src.text, hex, start: digits === "" ? null : Number.parseInt(digits, 16) };
}

export function parseAddrLine(src: ToolLine, val: string, issues: ParseIssue[]): CrashkernelAddr {
  if (val === "") return { line: src.line, text: src.text, state: "empty", addresses: [] };
  if (!BARE_ADDR.test(val)) {
    issues.push(parseIssue("bad-address", `Unreadable crashkernel address: ${val}`, src.line));
    return { line: src.line, text: src.text, state: "empty", addresses: [] };
  }
  const state = val === "0x" ? "zeroed" : "reserved";
  return { line: src.line, text: src.text, state, addresses: [addressOf(src, val)] };
}

export function parseState(src: ToolLine, val: string, issues: ParseIssue[]): ToolField<DumpState> | null {
  const m = /^(ready|Not ready) to (kdump|fadump)$/i.exec(val);
  if (!m) {
    issues.push(parseIssue("unknown-state", `Unrecognised state: ${val}`, src.line));
    return null;
  }
  return fieldOf(src, {
    ready: m[1]!.toLowerCase() === "ready",
    mode: m[2]!.toLowerCase() as DumpState["mode"],
  });
}

export function parseSuggested(src: ToolLine, val: string, issues: ParseIssue[]): ToolField<SuggestedSize> {
  const unknown = /^Unknown\s*(?:\((.*)\))?$/.exec(val);
  if (unknown) return fieldOf(src, { bytes: null, unknownReason: unknown[1] ?? "" });
  const bytes = parseSizeText(val);
  if (bytes === null) issues.push(parseIssue("bad-size", `Unreadable suggested size: ${val}`, src.line));
  return fieldOf(src, { bytes, unknownReason: null });
}

export function parseKexecBlock(header: ToolLine, rest: ToolLine[]): KexecCommandBlock {
  const lines = rest.filter((l) => l.text.trim() !== "");
  const joined = lines.map((l) => l.text.trim()).join(" ");
  const recorded = joined !== "" && joined !== "no kexec command recorded";
  return {
    line: header.line,
    text: header.text,
    historical: true,
    recorded,
    command: recorded ? joined : null,
    lines,
    fileLoad: recorded && /(?:^|\s)(?:-s|--kexec-file-syscall)(?=\s|$)/.test(joined),
  };
}
