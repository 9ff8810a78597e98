import { type ByteCount, toByteCount } from "../byte-count.ts";
import { parseFadumpEnabled, parseFadumpRegistered } from "../parsers/kernel/fadump.ts";
import { parseKexecCrashLoaded } from "../parsers/kernel/kexec-crash-loaded.ts";
import {
  type KdumpLink,
  type KdumpToolsMessageCode,
  parseDefaultKdumpTools,
  parseKdumpConfigShow,
  parseKdumpctlEstimate,
  parseKdumpctlStatus,
  parseKdumpServiceJournal,
  type ToolField,
} from "../parsers/tools/index.ts";
import type { SourceId } from "../sources.ts";
import type { Evidence, KdumpFacts, LinkFacts, ServiceFacts } from "./host-facts.ts";
import { type ReadValue, readValue } from "./read-value.ts";
import { ev, type SourceContext } from "./source-context.ts";

/** Messages that explain why a load failed (kdump-config, kexec-tools, kdumpctl; domain §4.3, §6.2). */
const LOAD_ERRORS: ReadonlySet<KdumpToolsMessageCode> = new Set<KdumpToolsMessageCode>([
  "kexec-file-load-failed",
  "kexec-load-failed",
  "kexec-cannot-load",
  "kexec-no-free-area",
  "key-rejected",
  "lockdown",
  "memory-not-reserved",
  "load-failed",
  "start-failed",
  "fadump-register-failed",
  "kdump-not-supported",
  "no-crashkernel-param",
  "relocation-mismatch",
  "kdump-kernel-missing",
  "kdump-initrd-missing",
]);
const LINK_PROBLEMS: ReadonlySet<string> = new Set([
  "kdump-kernel-missing",
  "kdump-initrd-missing",
  "invalid-symlink",
]);

/** A tool source that could not run because the command does not exist (exit 127 / not-found). */
function toolNotFound(ctx: SourceContext, id: SourceId): Evidence | null {
  const r = ctx.snapshot.sources?.[id];
  if (r === undefined) return null;
  if (!r.ok && r.error === "not-found") return ev(id, r.detail ?? `${r.via ?? id}: command not found`);
  if (r.ok && r.exitCode === 127) return ev(id, r.text.trim().split(/\r?\n/)[0] || `${id}: exit status 127`);
  return null;
}

function linkFacts(field: ToolField<KdumpLink> | null): LinkFacts | null {
  if (field === null) return null;
  const l = field.value;
  return {
    path: l.path,
    target: l.target,
    broken: l.kind === "broken-symlink",
    version: l.kernelVersion,
    evidence: [ev("kdump_config_show", field.text)],
  };
}

function flagState(
  flag: ReadValue<boolean>,
  source: SourceId,
): { state: KdumpFacts["state"]; evidence: Evidence[] } | null {
  if (flag.value === null) return null;
  return {
    state: flag.value ? "ready" : "not_ready",
    evidence: [ev(source, flag.text ?? String(flag.value))],
  };
}

/**
 * kdump tooling, configuration and state. `state` rests on /sys first (kexec_crash_loaded, or
 * fadump_registered in fadump mode, trap 14), then `current state:`, then `kdumpctl status`; the
 * service state and the historical `kexec command:` are never used for it (traps 11, 12).
 */
export function buildKdump(ctx: SourceContext): { kdump: KdumpFacts; service: ServiceFacts } {
  const show = ctx.parse("kdump_config_show", parseKdumpConfigShow);
  const status = ctx.parse("kdumpctl_status", parseKdumpctlStatus);
  const estimate = ctx.parse("kdumpctl_estimate", parseKdumpctlEstimate);
  const defaults = ctx.parse("etc_default_kdump_tools", parseDefaultKdumpTools);
  const journal = ctx.parse("kdump_service_journal", parseKdumpServiceJournal);
  const crashLoaded = readValue(ctx, "kexec_crash_loaded", parseKexecCrashLoaded, (v) => v.loaded);
  const fadumpEnabled = readValue(ctx, "fadump_enabled", parseFadumpEnabled, (v) => v.enabled);
  const fadumpRegistered = readValue(ctx, "fadump_registered", parseFadumpRegistered, (v) => v.registered);

  // --- installed / tool (R01)
  const showFound = show?.found === true || (show?.messages.length ?? 0) > 0;
  const statusFound = status !== null && (status.operational !== null || status.unsupported !== null);
  let tool: KdumpFacts["tool"] = null;
  let installed: boolean | null = null;
  const installedEvidence: Evidence[] = [];
  if (showFound && show) {
    tool = "kdump-tools";
    installed = true;
    const first = show.dumpMode ?? show.useKdump ?? show.state ?? show.messages[0] ?? null;
    if (first) installedEvidence.push(ev("kdump_config_show", first.text));
  } else if (statusFound && status) {
    tool = "kdumpctl";
    installed = true;
    const line = status.operational ?? status.unsupported;
    if (line) installedEvidence.push(ev("kdumpctl_status", line.text));
  } else {
    const misses = [toolNotFound(ctx, "kdump_config_show"), toolNotFound(ctx, "kdumpctl_status")];
    if (show?.notFound) misses[0] = ev("kdump_config_show", show.notFound.text);
    const asked = ["kdump_config_show", "kdumpctl_status"].filter(
      (id) => ctx.snapshot.sources?.[id as SourceId],
    );
    const notFound = misses.filter((m): m is Evidence => m !== null);
    if (notFound.length > 0 && notFound.length >= asked.length) {
      installed = false;
      installedEvidence.push(...notFound);
    }
  }

  // --- enabled (R02)
  let enabled: boolean | null = null;
  let useKdump: string | null = null;
  const enabledEvidence: Evidence[] = [];
  const notSet = show?.messages.find((m) => m.code === "use-kdump-not-set");
  if (tool !== "kdumpctl" && defaults?.useKdump) {
    useKdump = defaults.useKdump.value;
    enabled = defaults.enabled;
    enabledEvidence.push(ev("etc_default_kdump_tools", defaults.useKdump.text));
  } else if (tool !== "kdumpctl" && defaults !== null) {
    useKdump = "";
    enabled = false;
    enabledEvidence.push(ev("etc_default_kdump_tools", "(no USE_KDUMP= line)"));
  }
  if (show?.useKdump && tool === "kdump-tools") {
    useKdump ??= show.useKdump.value;
    enabled ??= show.useKdump.value !== "" && show.useKdump.value !== "0";
    enabledEvidence.push(ev("kdump_config_show", show.useKdump.text));
  }
  if (notSet) {
    enabled = false;
    enabledEvidence.push(ev("kdump_config_show", notSet.text));
  }
  if (installed === false && enabled === null) {
    enabled = false; // nothing can be enabled without the tooling
    enabledEvidence.push(...installedEvidence);
  }
  const started =
    journal?.findings.filter((f) => f.code === "service-started" || f.code === "start-ok") ?? [];
  if (tool === "kdumpctl" && enabled === null) {
    if (status?.operational?.value === true) {
      enabled = true;
      enabledEvidence.push(ev("kdumpctl_status", status.operational.text));
    } else if (started.length > 0) {
      enabled = true;
      enabledEvidence.push(ev("kdump_service_journal", started[0]!.text));
    }
  }

  // --- mode and state (R06)
  let mode: KdumpFacts["mode"] = null;
  if (show?.found) mode = show.mode;
  else if (fadumpEnabled.value === true) mode = "fadump";
  else if (crashLoaded.value !== null || statusFound) mode = "kdump";
  const sysfs =
    mode === "fadump"
      ? flagState(fadumpRegistered, "fadump_registered")
      : flagState(crashLoaded, "kexec_crash_loaded");
  let state: KdumpFacts["state"] = null;
  const stateEvidence: Evidence[] = [];
  if (sysfs) {
    state = sysfs.state;
    stateEvidence.push(...sysfs.evidence);
  }
  if (show?.state) {
    state ??= show.state.value.ready ? "ready" : "not_ready";
    stateEvidence.push(ev("kdump_config_show", show.state.text));
  }
  if (status?.operational) {
    state ??= status.operational.value ? "ready" : "not_ready";
    stateEvidence.push(ev("kdumpctl_status", status.operational.text));
  }

  // --- suggested size (R05), links (R09), kexec command (R07)
  let suggestedBytes: ByteCount | null = null;
  let suggestedUnknownReason: string | null = null;
  const suggestedEvidence: Evidence[] = [];
  if (show?.suggestedSize) {
    suggestedBytes = toByteCount(show.suggestedSize.value.bytes);
    suggestedUnknownReason = show.suggestedSize.value.unknownReason;
    suggestedEvidence.push(ev("kdump_config_show", show.suggestedSize.text));
  }
  if (suggestedBytes === null && estimate?.recommended) {
    suggestedBytes = toByteCount(estimate.recommended.value);
    suggestedEvidence.push(ev("kdumpctl_estimate", estimate.recommended.text));
  }
  const loadErrors: Evidence[] = [];
  for (const m of show?.messages ?? []) {
    if (LOAD_ERRORS.has(m.code)) loadErrors.push(ev("kdump_config_show", m.text));
  }
  const last = journal?.lastLoad;
  if (last?.status === "failed") {
    for (const f of last.causes)
      for (const line of f.evidence) loadErrors.push(ev("kdump_service_journal", line.text));
  }
  const linkProblems: Evidence[] = [
    ...(show?.messages ?? [])
      .filter((m) => LINK_PROBLEMS.has(m.code))
      .map((m) => ev("kdump_config_show", m.text)),
    ...(journal?.findings ?? [])
      .filter((f) => LINK_PROBLEMS.has(f.code))
      .map((f) => ev("kdump_service_journal", f.text)),
  ];

  const lastTest = status?.lastTest
    ? {
        result: status.lastTest.result,
        date: status.lastTest.date,
        evidence: [ev("kdumpctl_status", status.lastTest.text)],
      }
    : null;

  const kdump: KdumpFacts = {
    tool,
    installed,
    installedEvidence,
    enabled,
    useKdump,
    enabledEvidence,
    mode,
    state,
    stateEvidence,
    suggestedBytes,
    suggestedUnknownReason,
    suggestedEvidence,
    kernelLink: linkFacts(show?.kernelLink ?? null),
    initrdLink: linkFacts(show?.initrdLink ?? null),
    linksShown: show?.kernelLink != null || show?.initrdLink != null,
    linkProblems,
    kexecCommand: show?.kexecCommand?.command ?? null,
    kexecUsesFileLoad: show?.kexecCommand?.recorded ? show.kexecCommand.fileLoad : null,
    loadErrors,
    lastTest,
  };

  // --- service (R16)
  const serviceEvents = journal?.findings.filter((f) => f.code.startsWith("service-")) ?? [];
  const lastEvent = serviceEvents.at(-1);
  const serviceEvidence: Evidence[] = [];
  if (lastEvent) serviceEvidence.push(ev("kdump_service_journal", lastEvent.text));
  if (last?.decidedBy)
    for (const line of last.decidedBy.evidence) serviceEvidence.push(ev("kdump_service_journal", line.text));
  const service: ServiceFacts = {
    read: journal !== null,
    started:
      journal === null
        ? null
        : lastEvent
          ? lastEvent.code === "service-started"
          : started.length > 0
            ? true
            : null,
    lastLoad:
      last === undefined || last.status === "unknown" || last.status === "unloaded" ? null : last.status,
    evidence: serviceEvidence,
  };
  return { kdump, service };
}
