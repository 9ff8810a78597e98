/**
 * Where a source is missing, another that says the same stands in:
 *   cmdline                ← the boot log's `Kernel command line:` / `Command line:` line: the
 *                            kernel prints the command line it booted with (init/main.c
 *                            start_kernel, arch/x86/kernel/setup.c), which /proc/cmdline shows
 *   kdump_service_status   ← the unit journal / the system log (build-service.ts reads them all)
 * Evidence always cites the line as it was read in the source that was actually read, so the
 * stood-in cmdline's evidence is the dmesg line, not an invented /proc/cmdline line.
 */
import { parseDmesg } from "../parsers/kernel/index.ts";
import type { Snapshot, SourceId } from "../sources.ts";
import type { HostFacts } from "./host-facts.ts";

export interface StandIns {
  /** the snapshot as collected */
  original: Snapshot;
  /** the snapshot the facts are built from, with stood-in texts */
  snapshot: Snapshot;
  used: Partial<Record<SourceId, SourceId>>;
  /** turns evidence of a stood-in text back into the line it came from; records service stand-ins */
  relabel(facts: HostFacts): void;
}

function bootCommandLine(snapshot: Snapshot): { cmdline: string; line: string } | null {
  const dmesg = snapshot.sources.dmesg;
  if (!dmesg?.ok || typeof dmesg.text !== "string") return null;
  const report = parseDmesg(dmesg.text).value;
  const found = report.commandLine;
  if (found === null || found.cmdline.trim() === "") return null;
  return { cmdline: found.cmdline, line: found.text };
}

function replaceEvidence(
  node: unknown,
  from: { source: string; text: string },
  to: { source: string; text: string },
): void {
  if (Array.isArray(node)) {
    for (const item of node) replaceEvidence(item, from, to);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.source === from.source && record.text === from.text && Object.keys(record).length === 2) {
    record.source = to.source;
    record.text = to.text;
    return;
  }
  for (const value of Object.values(record)) replaceEvidence(value, from, to);
}

export function standInSources(original: Snapshot): StandIns {
  const used: Partial<Record<SourceId, SourceId>> = {};
  const sources = { ...original.sources };
  const cmdline = sources.cmdline;
  let boot: { cmdline: string; line: string } | null = null;
  if (!cmdline?.ok) {
    boot = bootCommandLine(original);
    if (boot) {
      sources.cmdline = { ok: true, text: `${boot.cmdline}\n`, via: "dmesg Command line" };
      used.cmdline = "dmesg";
    }
  }
  const snapshot: Snapshot = { ...original, sources };
  return {
    original,
    snapshot,
    used,
    relabel(facts) {
      if (boot)
        replaceEvidence(
          facts,
          { source: "cmdline", text: boot.cmdline },
          { source: "dmesg", text: boot.line },
        );
      const status = original.sources.kdump_service_status;
      const other = facts.service.sources.find((s) => s !== "kdump_service_status");
      if (!status?.ok && other !== undefined) used.kdump_service_status = other;
      facts.collection.standIns = { ...used };
    },
  };
}
