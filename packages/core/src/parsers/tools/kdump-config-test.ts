import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import type { KdumpConfigMessage } from "./kdump-config-show.ts";
import { type KdumpLink, parseKdumpLink } from "./kdump-link.ts";
import { classifyKdumpToolsMessage } from "./kdump-tools-message.ts";
import { fieldOf, splitLines, type ToolField, type ToolLine } from "./text-lines.ts";

export interface KdumpConfigTest {
  useKdump: ToolField<string> | null;
  coredir: ToolField<string> | null;
  /** printed WITHOUT a colon: `crashkernel addr\t\t0x5f000000`; "" when nothing is reserved */
  crashkernelAddr: ToolField<string> | null;
  /** `relocatable`, or CONFIG_PHYSICAL_START of a non-relocatable kdump kernel */
  kdumpKernelAddr: ToolField<string> | null;
  kernelLink: ToolField<KdumpLink> | null;
  initrdLink: ToolField<KdumpLink> | null;
  /** the command a `load` would run now (unlike show's historical one) */
  kexecCommand: ToolField<string> | null;
  /** the command would use kexec_file_load (`-s`) */
  fileLoad: boolean;
  messages: KdumpConfigMessage[];
}

type Section = "kernel" | "initrd" | "command" | null;

/**
 * Parses `kdump-config test`, the dry run of `load` (KT `kdump_test`; domain.md §4.3, trap 13:
 * keys without colons). Sample:
 *
 *     USE_KDUMP:		1
 *     crashkernel addr		0x5f000000
 *     kdump kernel addr		relocatable
 */
export function parseKdumpConfigTest(text: string): ParseResult<KdumpConfigTest> {
  const issues: ParseIssue[] = [];
  const out: KdumpConfigTest = {
    useKdump: null,
    coredir: null,
    crashkernelAddr: null,
    kdumpKernelAddr: null,
    kernelLink: null,
    initrdLink: null,
    kexecCommand: null,
    fileLoad: false,
    messages: [],
  };
  let section: Section = null;
  for (const src of splitLines(text)) {
    const s = src.text.trim();
    if (s === "" || s.length > 65536) continue;
    const kv = /^(USE_KDUMP:|KDUMP_COREDIR:|crashkernel addr:?|kdump kernel addr:?)(?:[ \t]+(.*))?$/.exec(s);
    if (kv) {
      const val = (kv[2] ?? "").trim();
      const key = kv[1]!.replace(/:$/, "");
      if (key === "USE_KDUMP") out.useKdump = fieldOf(src, val);
      else if (key === "KDUMP_COREDIR") out.coredir = fieldOf(src, val);
      else if (key === "crashkernel addr") out.crashkernelAddr = fieldOf(src, val);
      else out.kdumpKernelAddr = fieldOf(src, val);
      section = null;
    } else if (s === "kdump kernel:") section = "kernel";
    else if (s === "kdump initrd:") section = "initrd";
    else if (s === "kexec command to be used:") section = "command";
    else if (section === "command") {
      out.kexecCommand = out.kexecCommand
        ? { ...out.kexecCommand, value: `${out.kexecCommand.value} ${s}` }
        : fieldOf(src, s);
    } else if (!takeLink(src, s, section, out)) {
      const msg = classifyKdumpToolsMessage(s);
      if (msg) out.messages.push({ line: src.line, text: src.text, ...msg });
      else issues.push(parseIssue("unknown-line", `Unrecognised line: ${s.slice(0, 80)}`, src.line));
    }
  }
  out.fileLoad = /(?:^|\s)(?:-s|--kexec-file-syscall)(?=\s|$)/.test(out.kexecCommand?.value ?? "");
  if (!out.kexecCommand && !out.useKdump) issues.push(parseIssue("no-output", "No kdump-config test output"));
  return { value: out, issues };
}

function takeLink(src: ToolLine, s: string, section: Section, out: KdumpConfigTest): boolean {
  const link = parseKdumpLink(s);
  if (!link) return false;
  if (section === "kernel" && !out.kernelLink) out.kernelLink = fieldOf(src, link);
  else if (section === "initrd" && !out.initrdLink) out.initrdLink = fieldOf(src, link);
  else return false;
  return true;
}
