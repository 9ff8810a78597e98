import type { ParseIssue, ParseResult } from "../issue.ts";
import { type ListingEntry, readListingEntries } from "./listing-entries.ts";
import type { ToolLine } from "./text-lines.ts";

export interface DumpFile extends ToolLine {
  name: string;
  /** core: dump.<stamp>[.ext] / vmcore.<stamp> / vmcore; *-incomplete: a capture that never finished */
  kind: "core" | "core-incomplete" | "dmesg" | "dmesg-incomplete" | "log" | "other";
  compression: "bz2" | "gz" | "lz4" | "xz" | null;
  bytes: number | null;
}

export interface Dump {
  /** directory name (or `<host>-<stamp>` for flat FTP uploads) */
  name: string;
  /** kdump-tools local `YYYYMMDDHHMM`, remote `<ip|host>-YYYYMMDDHHMM`, RHEL `<ip>-YYYY-MM-DD-HH:MM:SS`, flat FTP files */
  layout: "kdump-tools" | "kdump-tools-remote" | "rhel" | "flat";
  /** the IP/hostname prefix of remote and RHEL names */
  host: string | null;
  /** the stamp as written */
  stamp: string;
  /**
   * The stamp read as UTC ISO-8601, e.g. "2026-01-21T07:24:00Z" (kdump-tools stamps have minute
   * resolution and come from the capture kernel's clock, trap 21); null when not a valid date.
   */
  time: string | null;
  /** complete: a core file and no *-incomplete; no-core: files but no core; unlisted: contents not listed */
  completeness: "complete" | "incomplete" | "no-core" | "unlisted";
  /** total bytes of the listed files (null when the listing has no sizes) */
  sizeBytes: number | null;
  /** bytes of the core file (dump./vmcore), null when unknown */
  coreBytes: number | null;
  files: DumpFile[];
  /** the directory's own line and every file line */
  evidence: ToolLine[];
}

export interface ApportReport extends ToolLine {
  name: string;
  kernelVersion: string;
  stamp: string;
  time: string | null;
  bytes: number | null;
}

export interface DumpListing {
  format: "agent" | "ls";
  /** newest first (trap 21) */
  dumps: Dump[];
  /** Ubuntu apport `linux-image-<kver>-<stamp>.crash`, newest first; may exist without a dump dir */
  apportReports: ApportReport[];
  /** kexec_cmd, kdump_lock and anything else that is not part of a dump */
  otherEntries: ListingEntry[];
}

const LOCAL = /^(\d{12})$/;
const REMOTE = /^(.+)-(\d{12})$/;
const RHEL = /^(.+)-(\d{4}-\d{2}-\d{2}-\d{2}:\d{2}:\d{2})$/;
const FLAT = /^(?:(.+)-)?(?:dump|dmesg|vmcore)\.(\d{12})(?:\.(?:bz2|gz|lz4|xz))?$/;
const APPORT = /^linux-image-(.+)-(\d{12})\.crash$/;
const COMPRESSION = /\.(bz2|gz|lz4|xz)$/;

/**
 * Parses a listing of the dump directory (KDUMP_COREDIR, kdump.conf `path`) into dumps
 * (domain.md §4.6, §5.1, §6.6). Two forms are accepted:
 *
 * (a) The agent's own format, one entry per line, fields separated by ONE space:
 *     `<type> <bytes> <mtime> <path>` where type is `d` directory, `f` regular file, `l` symlink (not
 *     followed), `o` other; bytes is the decimal lstat size; mtime is ISO-8601 UTC with seconds
 *     (`2026-01-21T07:24:13Z`, fractions allowed); path is relative to the dump directory, `/`
 *     separated, without `./`, and is the rest of the line (it may contain spaces; names with a
 *     newline are not listed). Lines starting with `#` are comments. The agent lists the directory
 *     and one level below it (dumps live one level deep):
 *
 *         d 4096 2026-01-21T07:31:02Z 202601210724
 *         f 51753823 2026-01-21T07:24:40Z 202601210724/dump.202601210724
 *         f 28838 2026-01-21T07:24:59Z linux-image-6.18.0-8-generic-202601210724.crash
 *
 * (b) `ls`, `ls -l`, `ls -la`, `ls -lR` output (sos report), with `<dir>:` or `--- <dir> ---`
 *     headers for sub-directories. Dump files: `dump.<stamp>[.bz2|.gz|.lz4|.xz]`, `vmcore.<stamp>`,
 *     `dmesg.<stamp>`, `vmcore`, `vmcore-dmesg.txt`, `*-incomplete`; `kexec_cmd`, `kdump_lock` ignored.
 */
export function parseDumpListing(text: string): ParseResult<DumpListing> {
  const { format, entries, issues } = readListingEntries(text);
  const dumps = new Map<string, Dump>();
  const apportReports: ApportReport[] = [];
  const otherEntries: ListingEntry[] = [];
  const badStamps = new Set<string>();

  for (const e of entries) {
    const slash = e.path.indexOf("/");
    const top = slash < 0 ? e.path : e.path.slice(0, slash);
    const rest = slash < 0 ? "" : e.path.slice(slash + 1);
    const isFile = rest === "" && (e.type === "f" || e.type === "l");
    const stamped = isFile ? null : dumpDirOf(top, e.line, badStamps, issues);
    if (stamped && rest === "") {
      const d = getDump(dumps, stamped);
      d.evidence.push(lineOf(e));
      continue;
    }
    if (stamped && !rest.includes("/")) {
      const d = getDump(dumps, stamped);
      d.files.push(fileOf(e, rest));
      d.evidence.push(lineOf(e));
      continue;
    }
    if (rest === "") {
      const apport = APPORT.exec(top);
      const flat = FLAT.exec(top);
      if (apport) {
        apportReports.push({
          ...lineOf(e),
          name: top,
          kernelVersion: apport[1]!,
          stamp: apport[2]!,
          time: minuteTime(apport[2]!),
          bytes: e.bytes,
        });
        continue;
      }
      if (flat && e.type !== "d") {
        const host = flat[1] ?? null;
        const d = getDump(dumps, {
          name: host ? `${host}-${flat[2]}` : flat[2]!,
          layout: "flat",
          host,
          stamp: flat[2]!,
          time: minuteTime(flat[2]!),
        });
        d.files.push(fileOf(e, host ? top.slice(host.length + 1) : top));
        d.evidence.push(lineOf(e));
        continue;
      }
    }
    otherEntries.push(e);
  }

  const list = [...dumps.values()].map(finishDump).sort(newestFirst);
  apportReports.sort(newestFirst);
  return { value: { format, dumps: list, apportReports, otherEntries }, issues };
}

type DumpHead = Pick<Dump, "name" | "layout" | "host" | "stamp" | "time">;

function dumpDirOf(
  name: string,
  line: number,
  badStamps: Set<string>,
  issues: ParseIssue[],
): DumpHead | null {
  let head: DumpHead | null = null;
  const local = LOCAL.exec(name);
  const remote = local ? null : REMOTE.exec(name);
  const rhel = local || remote ? null : RHEL.exec(name);
  if (local)
    head = { name, layout: "kdump-tools", host: null, stamp: local[1]!, time: minuteTime(local[1]!) };
  else if (remote)
    head = {
      name,
      layout: "kdump-tools-remote",
      host: remote[1]!,
      stamp: remote[2]!,
      time: minuteTime(remote[2]!),
    };
  else if (rhel) head = { name, layout: "rhel", host: rhel[1]!, stamp: rhel[2]!, time: rhelTime(rhel[2]!) };
  if (head && head.time === null && !badStamps.has(name)) {
    badStamps.add(name);
    issues.push({ line, code: "bad-stamp", message: `Stamp is not a valid date: ${head.stamp}` });
  }
  return head;
}

function getDump(dumps: Map<string, Dump>, head: DumpHead): Dump {
  let d = dumps.get(head.name);
  if (!d) {
    d = { ...head, completeness: "unlisted", sizeBytes: null, coreBytes: null, files: [], evidence: [] };
    dumps.set(head.name, d);
  }
  return d;
}

function fileOf(e: ListingEntry, name: string): DumpFile {
  const incomplete = name.includes("-incomplete");
  const dmesg = /dmesg/.test(name) && !/^kexec-dmesg/.test(name);
  let kind: DumpFile["kind"] = "other";
  if (dmesg) kind = incomplete ? "dmesg-incomplete" : "dmesg";
  else if (/^(?:dump|vmcore)(?:[.-]|$)/.test(name)) kind = incomplete ? "core-incomplete" : "core";
  else if (/\.log$/.test(name)) kind = "log";
  const compression = (COMPRESSION.exec(name)?.[1] ?? null) as DumpFile["compression"];
  return { ...lineOf(e), name, kind, compression, bytes: e.bytes };
}

function finishDump(d: Dump): Dump {
  const cores = d.files.filter((f) => f.kind === "core");
  const incomplete = d.files.some((f) => f.kind === "core-incomplete");
  const completeness: Dump["completeness"] =
    d.files.length === 0 ? "unlisted" : incomplete ? "incomplete" : cores.length > 0 ? "complete" : "no-core";
  const sized = d.files.filter((f) => f.bytes !== null);
  return {
    ...d,
    completeness,
    sizeBytes: sized.length > 0 ? sized.reduce((a, f) => a + (f.bytes ?? 0), 0) : null,
    coreBytes: cores.find((f) => f.bytes !== null)?.bytes ?? null,
  };
}

function newestFirst(
  a: { time: string | null; name: string },
  b: { time: string | null; name: string },
): number {
  if (a.time !== b.time) {
    if (a.time === null) return 1;
    if (b.time === null) return -1;
    return a.time < b.time ? 1 : -1;
  }
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/** `YYYYMMDDHHMM` (kdump-tools `date +%Y%m%d%H%M`) as UTC ISO-8601; null if not a real date. */
function minuteTime(stamp: string): string | null {
  return isoOf(
    stamp.slice(0, 4),
    stamp.slice(4, 6),
    stamp.slice(6, 8),
    stamp.slice(8, 10),
    stamp.slice(10, 12),
    "00",
  );
}

/** `YYYY-MM-DD-HH:MM:SS` (kdump-utils) as UTC ISO-8601. */
function rhelTime(stamp: string): string | null {
  const [y, mo, d, hms] = stamp.split("-");
  const [h, mi, s] = (hms ?? "").split(":");
  return isoOf(y ?? "", mo ?? "", d ?? "", h ?? "", mi ?? "", s ?? "");
}

function isoOf(y: string, mo: string, d: string, h: string, mi: string, s: string): string | null {
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
  // Date.UTC rolls over (month 13, Feb 30); a real date reads back unchanged.
  return Number.isFinite(ms) && new Date(ms).toISOString().replace(".000Z", "Z") === iso ? iso : null;
}

function lineOf(e: ToolLine): ToolLine {
  return { line: e.line, text: e.text };
}
