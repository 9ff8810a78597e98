import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Snapshot, SourceError, SourceId, SourceResult } from "@kdumpwatch/core";
import { filterKdumpLog, filterRelevantDmesg, SOURCE_IDS } from "@kdumpwatch/core";
import { deriveHostContext } from "../sources/host-context.ts";
import { describeReader, type HostContext, type Reader } from "../sources/reader.ts";
import { DEFAULT_MAX_BYTES, RAW_DMESG_MAX_BYTES, SOURCE_TABLE, type SourceSpec } from "../sources/table.ts";
import { type CaptureRecord, readCaptureRecord } from "./capture-record.ts";
import { concatDirectory } from "./concat-directory.ts";
import { listDirectory } from "./list-directory.ts";
import { readFileCapped } from "./read-file.ts";
import { markTailed, narrowLog, RAW_LOG_MAX_BYTES, readSection } from "./read-log.ts";
import { redactSource } from "./redact.ts";
import { captureResolver, liveResolver, type Resolver } from "./resolver.ts";
import { runCommand } from "./run-command.ts";
import { failure, mostTelling } from "./source-error.ts";
import { readSysctlLine } from "./sysctl-line.ts";

/** A dmesg filter; a plain string result means nothing relevant was dropped for size. */
export type DmesgFilter = (text: string) => { text: string; truncated: boolean } | string;

export interface CollectOptions {
  /** a capture directory (product.md §3); absent = this live host */
  root?: string;
  table?: Readonly<Record<SourceId, SourceSpec>>;
  /** per command (default 5 s, then the process group is killed) */
  commandTimeoutMs?: number;
  /** per file/directory read (default 5 s: a hung NFS dump dir must not hang the agent) */
  readTimeoutMs?: number;
  /** overrides every source's size cap (tests) */
  maxBytes?: number;
  /** keeps the kernel-log lines rules use (default: core's filterRelevantDmesg) */
  filterDmesg?: DmesgFilter;
  now?: () => Date;
}

const SYSCTL_A_MAX_BYTES = 1024 * 1024;

/**
 * Reads every source of the table, concurrently, from the live host or from a capture directory
 * (the same code; only the resolver differs), and returns core's Snapshot. Never throws for a
 * source: each ends as `{ ok: true, text }` or `{ ok: false, error, detail }`, secrets redacted
 * (redact.ts).
 */
export async function collectSnapshot(options: CollectOptions = {}): Promise<Snapshot> {
  const table = options.table ?? SOURCE_TABLE;
  const now = options.now ?? (() => new Date());
  const collectedAt = now().toISOString();
  const resolver = options.root === undefined ? liveResolver() : await captureResolver(options.root);
  const record = options.root === undefined ? null : await readCaptureRecord(resolver);
  const reader = new SourceReader(resolver, options);

  // Phase 1: the configuration files say where the dump directory is and which tooling applies.
  const preliminary = deriveHostContext(null, null);
  const configIds = ["etc_default_kdump_tools", "kdump_conf", "sysconfig_kdump"] as const;
  // redacted before anything is derived from them: a dump-target URL names the listing and `df` (redact.ts)
  const configResults = await Promise.all(
    configIds.map(async (id) => redactSource(id, await reader.read(table[id], preliminary))),
  );
  const textOf = (r: SourceResult | undefined) => (r?.ok ? r.text : null);
  const ctx = deriveHostContext(textOf(configResults[0]), textOf(configResults[1]), textOf(configResults[2]));
  if (resolver.live) ctx.dfTarget = await nearestExistingDir(ctx.dumpDir);

  // Phase 2: everything else, concurrently.
  const rest = SOURCE_IDS.filter((id) => !(configIds as readonly string[]).includes(id));
  const restResults = await Promise.all(rest.map((id) => reader.read(table[id], ctx)));

  const byId = new Map<SourceId, SourceResult>([
    ...configIds.map((id, i) => [id, configResults[i]!] as const),
    ...rest.map((id, i) => [id, restResults[i]!] as const),
  ]);
  const sources: Snapshot["sources"] = {};
  for (const id of SOURCE_IDS) {
    const result = byId.get(id);
    // every source leaves through redaction: secrets never reach the judgement, a file or the wire
    if (result) sources[id] = redactSource(id, applyRecord(result, record, id));
  }
  return { sources, collectedAt };
}

class SourceReader {
  constructor(
    private readonly resolver: Resolver,
    private readonly options: CollectOptions,
  ) {}

  async read(spec: SourceSpec, ctx: HostContext): Promise<SourceResult> {
    const readers = this.resolver.live ? spec.live(ctx) : spec.capture(ctx);
    if (readers.length === 0) {
      return failure("missing", "not applicable: the host is configured for the other kdump tooling");
    }
    const filter =
      spec.filter === "dmesg"
        ? (this.options.filterDmesg ?? keepRelevantDmesg)
        : spec.filter === "kdump-log"
          ? keepKdumpLog
          : undefined;
    const maxBytes = this.options.maxBytes ?? spec.maxBytes ?? DEFAULT_MAX_BYTES;
    const rawMax = filter && this.options.maxBytes === undefined ? RAW_DMESG_MAX_BYTES : maxBytes;

    const failures: { via: string; result: SourceResult & { ok: false } }[] = [];
    let blank: (SourceResult & { ok: true }) | null = null;
    for (const r of readers) {
      const result = await this.readOne(r, rawMax);
      const via = describeReader(r);
      if (!result.ok) {
        failures.push({ via, result });
        continue;
      }
      const withVia: SourceResult & { ok: true } = { ...result, via };
      // an empty answer (journalctl "-- No entries --") lets a fallback speak; kept if none does
      if (readers.length > 1 && isBlank(result.text)) {
        blank ??= withVia;
        continue;
      }
      return filter ? applyFilter(withVia, filter, maxBytes) : withVia;
    }
    if (blank) return blank;
    if (failures.length === 1) return { ...failures[0]!.result, via: failures[0]!.via };
    const error: SourceError = mostTelling(failures.map((f) => f.result.error));
    const detail = failures.map((f) => f.result.detail ?? `${f.via}: ${f.result.error}`).join("; ");
    return { ok: false, error, detail };
  }

  private async readOne(reader: Reader, maxBytes: number): Promise<SourceResult> {
    const timeoutMs = this.options.readTimeoutMs ?? 5000;
    switch (reader.kind) {
      case "command":
        if (!this.resolver.live) return failure("failed", "commands are not run on a capture");
        return runCommand(reader, { timeoutMs: this.options.commandTimeoutMs ?? 5000, maxBytes });
      case "file":
        return this.withPath(reader.path, timeoutMs, async (p) => {
          const raw = await readFileCapped(p, {
            maxBytes: reader.select ? RAW_LOG_MAX_BYTES : maxBytes,
            keep: reader.keep ?? "head",
            label: reader.path,
          });
          return narrowLog(markTailed(raw, p), reader.select, maxBytes);
        });
      case "section":
        return this.withPath(reader.path, timeoutMs, async (p) =>
          markTailed(
            await readSection(p, reader.section, {
              label: reader.path,
              maxBytes,
              ...(reader.select ? { select: reader.select } : {}),
              ...(reader.keep ? { keep: reader.keep } : {}),
            }),
            p,
          ),
        );
      case "concat":
        return this.withPath(reader.dir, timeoutMs, (p) =>
          concatDirectory(p, {
            suffix: reader.suffix,
            labelDir: reader.dir,
            maxBytes,
            ...(this.resolver.live ? {} : { resolve: (file: string) => this.resolver.resolve(file) }),
          }),
        );
      case "listing":
        return this.withPath(reader.dir, timeoutMs, (p) => listDirectory(p, { label: reader.dir }));
      case "sysctl-line":
        return this.withPath(reader.path, timeoutMs, (p) =>
          readSysctlLine(p, reader.key, {
            maxBytes: reader.section ? RAW_LOG_MAX_BYTES : SYSCTL_A_MAX_BYTES,
            label: reader.path,
            ...(reader.section ? { section: reader.section } : {}),
          }),
        );
    }
  }

  private async withPath(
    path: string,
    timeoutMs: number,
    read: (resolved: string) => Promise<SourceResult>,
  ): Promise<SourceResult> {
    const resolved = await this.resolver.resolve(path);
    if (typeof resolved !== "string") return resolved;
    return withTimeout(read(resolved), timeoutMs, `${path}: no answer within ${timeoutMs} ms`);
  }
}

/** core's filter: only the kernel-log lines a rule reads leave the host (within its own caps). */
const keepRelevantDmesg: DmesgFilter = (text) => filterRelevantDmesg(text);
/** core's filter for whole system logs: only the kdump lines leave the host. */
const keepKdumpLog: DmesgFilter = (text) => filterKdumpLog(text);

function isBlank(text: string): boolean {
  return text.replace(/^-- No entries --$/m, "").trim() === "";
}

function applyFilter(
  result: SourceResult & { ok: true },
  filter: DmesgFilter,
  maxBytes: number,
): SourceResult {
  const answer = filter(result.text);
  const filtered = typeof answer === "string" ? { text: answer, truncated: false } : answer;
  let text = filtered.text;
  let truncated = result.truncated === true || filtered.truncated;
  if (text !== "" && !text.endsWith("\n")) text += "\n";
  if (Buffer.byteLength(text) > maxBytes) {
    const cut = Buffer.from(text).subarray(0, maxBytes);
    const lastNewline = cut.lastIndexOf(0x0a);
    text = (lastNewline >= 0 ? cut.subarray(0, lastNewline + 1) : cut).toString("utf8");
    truncated = true;
  }
  const out: SourceResult = { ...result, text };
  if (truncated) out.truncated = true;
  return out;
}

/** A capture written by `collect --out` records what text files cannot: errors, truncation, exit status. */
function applyRecord(result: SourceResult, record: CaptureRecord | null, id: SourceId): SourceResult {
  const entry = record?.sources[id];
  if (!entry) return result;
  if (!result.ok) {
    if (result.error !== "missing" || entry.error === undefined || entry.error === "missing") return result;
    return {
      ok: false,
      error: entry.error,
      detail: `recorded at collection: ${entry.detail ?? entry.error}`,
    };
  }
  const restored: SourceResult = { ...result };
  if (entry.truncated) restored.truncated = true;
  if (entry.exitCode !== undefined && restored.exitCode === undefined) restored.exitCode = entry.exitCode;
  return restored;
}

function withTimeout(work: Promise<SourceResult>, ms: number, detail: string): Promise<SourceResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<SourceResult>((resolve) => {
    timer = setTimeout(() => resolve(failure("timeout", detail)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The dump directory, or its closest existing ancestor: what `df` should be asked about. */
async function nearestExistingDir(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    try {
      if ((await stat(current)).isDirectory()) return current;
    } catch {
      // not there (yet): kdump-tools creates it when saving, on the filesystem of its parent
    }
    const parent = dirname(current);
    if (parent === current) return "/";
    current = parent;
  }
}
