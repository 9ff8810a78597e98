import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { type KdumpLink, parseKdumpLink } from "./kdump-link.ts";
import {
  addressOf,
  BARE_ADDR,
  type CrashkernelAddr,
  type DumpState,
  type KexecCommandBlock,
  parseAddrLine,
  parseKexecBlock,
  parseState,
  parseSuggested,
  type SuggestedSize,
} from "./kdump-show-values.ts";
import { classifyKdumpToolsMessage, type KdumpToolsMessage } from "./kdump-tools-message.ts";
import { endsMidLine, fieldOf, splitLines, type ToolField, type ToolLine } from "./text-lines.ts";

export type {
  CrashkernelAddr,
  CrashkernelAddress,
  DumpState,
  KexecCommandBlock,
  SuggestedSize,
} from "./kdump-show-values.ts";

/** Remote dump target lines (only printed when SSH / NFS / FTP is set). */
export interface KdumpRemoteLines {
  ssh: ToolField<string> | null;
  sshKey: ToolField<string> | null;
  nfs: ToolField<string> | null;
  nfsTimeo: ToolField<string> | null;
  /** printed without a colon: `NFS_RETRANS       3` */
  nfsRetrans: ToolField<string> | null;
  ftp: ToolField<string> | null;
  ftpUser: ToolField<string> | null;
  /** "is set" – the password itself is never printed */
  ftpPassword: ToolField<string> | null;
  ftpPort: ToolField<string> | null;
  hosttag: ToolField<string> | null;
}

export type KdumpConfigMessage = ToolLine & KdumpToolsMessage;

export interface KdumpConfigShow {
  /** at least one line of `show` output was recognised */
  found: boolean;
  /** a shell "command not found" line: kdump-tools is not installed */
  notFound: ToolLine | null;
  /** error/notice lines (stderr, printed before the output) such as USE_KDUMP is not set or zero */
  messages: KdumpConfigMessage[];
  dumpMode: ToolField<string> | null;
  /** DUMP_MODE, else the mode of `current state:`, else "kdump" (pre-2015 output) */
  mode: "kdump" | "fadump";
  /** the raw USE_KDUMP value; "" when printed empty */
  useKdump: ToolField<string> | null;
  /** removed in 2020; present on older kdump-tools */
  kdumpSysctl: ToolField<string> | null;
  coredir: ToolField<string> | null;
  /** absent in fadump mode */
  crashkernelAddr: CrashkernelAddr | null;
  /**
   * The KDUMP_KERNEL line (since 2016). For the 2009–2014 `kernel link: <readlink>` line, path is ""
   * and target is the printed value.
   */
  kernelLink: ToolField<KdumpLink> | null;
  initrdLink: ToolField<KdumpLink> | null;
  remote: KdumpRemoteLines;
  /** which remote targets are configured, in the order printed */
  remoteTargets: Array<"ssh" | "nfs" | "ftp">;
  state: ToolField<DumpState> | null;
  /** kdump-tools ≥ 1:1.10 only */
  suggestedSize: ToolField<SuggestedSize> | null;
  kexecCommand: KexecCommandBlock | null;
  /** expected sections that were not printed (truncated output, or an old/partial copy) */
  missingSections: string[];
  /** found, nothing expected missing, and the text ends at a line boundary */
  complete: boolean;
}

type RemoteKey = keyof KdumpRemoteLines;

const REMOTE_KEYS: Array<[RegExp, RemoteKey]> = [
  [/^SSH:\s*(.*)$/, "ssh"],
  [/^SSH_KEY:\s*(.*)$/, "sshKey"],
  [/^NFS:\s*(.*)$/, "nfs"],
  [/^NFS_TIMEO:\s*(.*)$/, "nfsTimeo"],
  [/^NFS_RETRANS:?\s+(.*)$/, "nfsRetrans"],
  [/^FTP:\s*(.*)$/, "ftp"],
  [/^FTP_USER:\s*(.*)$/, "ftpUser"],
  [/^FTP_PASSWORD:\s*(.*)$/, "ftpPassword"],
  [/^FTP_PORT:\s*(.*)$/, "ftpPort"],
  [/^HOSTTAG:\s*(.*)$/, "hosttag"],
];

const KEYS = [
  "DUMP_MODE:",
  "USE_KDUMP:",
  "KDUMP_SYSCTL:",
  "KDUMP_COREDIR:",
  "crashkernel addr:",
  "kernel link:",
  "kdump initrd:",
  "current state:",
  "crashkernel suggested size:",
  "kexec command:",
] as const;
type ShowKey = (typeof KEYS)[number];

/** The key a (trimmed) line starts with; the value must be separated by blanks or nothing. */
function keyOf(s: string): ShowKey | null {
  for (const k of KEYS) {
    if (s.startsWith(k) && (s.length === k.length || s[k.length] === " " || s[k.length] === "\t")) return k;
  }
  return null;
}

const NOT_FOUND = /command not found|: not found$|No such file or directory|Command '[^']*' not found/;

/**
 * Parses `kdump-config show` of every kdump-tools version (domain.md §4.2; traps 6, 10–14). Sample:
 *
 *     DUMP_MODE:              kdump
 *     USE_KDUMP:              1
 *     crashkernel addr: 0x5f000000
 *
 * Keys may be separated by TABs or spaces, `KDUMP_SYSCTL:` may or may not be there, and the
 * stderr messages of `check_kdump_support` may come first. Every field keeps its original line.
 * The exit status of `show` is always 0: judge the text, never the exit code (trap 11).
 */
export function parseKdumpConfigShow(text: string): ParseResult<KdumpConfigShow> {
  const lines = splitLines(text);
  const issues: ParseIssue[] = [];
  const out: KdumpConfigShow = emptyShow();
  let afterInitrdHeader = false;
  let inAddrBlock = false;

  for (let i = 0; i < lines.length; i++) {
    const src = lines[i]!;
    const s = src.text.trim();
    if (s === "") {
      inAddrBlock = false;
      continue;
    }
    if (inAddrBlock && BARE_ADDR.test(s) && out.crashkernelAddr) {
      out.crashkernelAddr.addresses.push(addressOf(src, s));
      if (s !== "0x") out.crashkernelAddr.state = "reserved";
      continue;
    }
    inAddrBlock = false;

    const key = keyOf(s);
    const val = key ? s.slice(key.length).trim() : "";
    if (key === "DUMP_MODE:") out.dumpMode = setOnce(out.dumpMode, fieldOf(src, val), issues);
    else if (key === "USE_KDUMP:") out.useKdump = setOnce(out.useKdump, fieldOf(src, val), issues);
    else if (key === "KDUMP_SYSCTL:") out.kdumpSysctl = setOnce(out.kdumpSysctl, fieldOf(src, val), issues);
    else if (key === "KDUMP_COREDIR:") out.coredir = setOnce(out.coredir, fieldOf(src, val), issues);
    else if (key === "crashkernel addr:") {
      out.crashkernelAddr = parseAddrLine(src, val, issues);
      inAddrBlock = true;
    } else if (key === "kernel link:") {
      const link = parseKdumpLink(val);
      if (link) out.kernelLink = fieldOf(src, { ...link, path: "", kind: "symlink", target: val });
    } else if (key === "kdump initrd:") afterInitrdHeader = true;
    else if (key === "current state:") out.state = parseState(src, val, issues);
    else if (key === "crashkernel suggested size:") out.suggestedSize = parseSuggested(src, val, issues);
    else if (key === "kexec command:") {
      out.kexecCommand = parseKexecBlock(src, lines.slice(i + 1));
      break;
    } else if (matchRemote(src, s, out)) {
      // stored by matchRemote
    } else {
      const link = parseKdumpLink(s);
      if (link && afterInitrdHeader && !out.initrdLink) out.initrdLink = fieldOf(src, link);
      else if (link && !afterInitrdHeader && !out.kernelLink) out.kernelLink = fieldOf(src, link);
      else otherLine(src, s, out, issues);
    }
  }

  finish(out, text, lines, issues);
  return { value: out, issues };
}

function emptyShow(): KdumpConfigShow {
  return {
    found: false,
    notFound: null,
    messages: [],
    dumpMode: null,
    mode: "kdump",
    useKdump: null,
    kdumpSysctl: null,
    coredir: null,
    crashkernelAddr: null,
    kernelLink: null,
    initrdLink: null,
    remote: {
      ssh: null,
      sshKey: null,
      nfs: null,
      nfsTimeo: null,
      nfsRetrans: null,
      ftp: null,
      ftpUser: null,
      ftpPassword: null,
      ftpPort: null,
      hosttag: null,
    },
    remoteTargets: [],
    state: null,
    suggestedSize: null,
    kexecCommand: null,
    missingSections: [],
    complete: false,
  };
}

function setOnce<T>(prev: ToolField<T> | null, next: ToolField<T>, issues: ParseIssue[]): ToolField<T> {
  if (prev)
    issues.push(
      parseIssue("duplicate-key", `Repeated line; the later one is used: ${next.text.trim()}`, next.line),
    );
  return next;
}

function matchRemote(src: ToolLine, s: string, out: KdumpConfigShow): boolean {
  for (const [re, key] of REMOTE_KEYS) {
    const m = re.exec(s);
    if (!m) continue;
    out.remote[key] = fieldOf(src, m[1]!.trim());
    if (key === "ssh" || key === "nfs" || key === "ftp") out.remoteTargets.push(key);
    return true;
  }
  return false;
}

function otherLine(src: ToolLine, s: string, out: KdumpConfigShow, issues: ParseIssue[]): void {
  const msg = classifyKdumpToolsMessage(s);
  if (msg?.code === "tools-not-found" && s.length < 300) {
    out.notFound ??= src;
    return;
  }
  if (msg) {
    out.messages.push({ line: src.line, text: src.text, ...msg });
    return;
  }
  if (NOT_FOUND.test(s) && s.length < 300) {
    out.notFound ??= src;
    return;
  }
  issues.push(
    parseIssue("unknown-line", `Unrecognised line: ${s.length > 80 ? `${s.slice(0, 77)}...` : s}`, src.line),
  );
}

function finish(out: KdumpConfigShow, text: string, lines: ToolLine[], issues: ParseIssue[]): void {
  out.found = Boolean(out.useKdump || out.dumpMode || out.coredir || out.crashkernelAddr || out.state);
  const modeText = out.dumpMode?.value ?? out.state?.value.mode;
  out.mode = modeText === "fadump" ? "fadump" : "kdump";
  if (out.dumpMode && !["kdump", "fadump"].includes(out.dumpMode.value)) {
    issues.push(parseIssue("unknown-mode", `Unknown DUMP_MODE: ${out.dumpMode.value}`, out.dumpMode.line));
  }
  if (!out.found) {
    if (!out.notFound && out.messages.length === 0) {
      issues.push(parseIssue("no-output", "No kdump-config show output was recognised"));
    }
    return;
  }
  const expected: Array<[string, unknown]> = [
    ["USE_KDUMP", out.useKdump],
    ["KDUMP_COREDIR", out.coredir],
    ["current state", out.state],
  ];
  if (out.mode === "kdump") {
    expected.splice(2, 0, ["crashkernel addr", out.crashkernelAddr]);
    expected.push(["kexec command", out.kexecCommand]);
  }
  out.missingSections = expected.filter(([, v]) => !v).map(([k]) => k);
  if (out.missingSections.length > 0) {
    issues.push(
      parseIssue("missing-section", `Output lacks: ${out.missingSections.join(", ")} (truncated?)`),
    );
  }
  const cut = endsMidLine(text);
  if (cut) {
    const last = lines[lines.length - 1];
    issues.push(
      parseIssue(
        "truncated-line",
        "The output does not end with a newline; its last line may be cut",
        last?.line,
      ),
    );
  }
  out.complete = out.missingSections.length === 0 && !cut;
}
