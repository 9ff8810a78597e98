import type { ByteCount } from "../byte-count.ts";
import {
  type KdumpLink,
  type KdumpToolsMessageCode,
  parseDefaultKdumpTools,
  parseFadumpLines,
  parseInstalledPackages,
  parseKdumpConfigShow,
  parseKdumpConfigStatus,
  parseKdumpConfigTest,
  parseKdumpctlEstimate,
  parseKdumpctlShowmem,
  parseKdumpctlStatus,
  parseKdumptoolCalibrate,
  type ToolField,
} from "../parsers/tools/index.ts";
import type { SourceId } from "../sources.ts";
import { buildDumpMode } from "./dump-mode.ts";
import type { DistroFamily, Evidence, KdumpFacts, LinkFacts, ServiceFacts } from "./host-facts.ts";
import { buildLoadState } from "./load-state.ts";
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

/** The command outputs whose "command not found" means the family's kdump tooling is missing. */
const FAMILY_TOOLS: Readonly<Record<DistroFamily, readonly SourceId[]>> = {
  debian: ["kdump_config_show"],
  el: ["kdumpctl_status"],
  azurelinux: ["kdumpctl_status"],
  suse: ["kdumptool_calibrate"],
  unknown: ["kdump_config_show", "kdumpctl_status"],
};

/**
 * A tool source that could not run because the command does not exist (exit 127 / not-found).
 * `evidence` is the host's own line when there is one (a shell's "command not found" on stdout);
 * a command the agent could not find at all has no text, and absence is never an evidence line.
 */
function toolNotFound(ctx: SourceContext, id: SourceId): { evidence: Evidence | null } | null {
  const r = ctx.snapshot.sources?.[id];
  if (r === undefined) return null;
  if (!r.ok && r.error === "not-found") return { evidence: null };
  if (r.ok && r.exitCode === 127) {
    const first = r.text.trim().split(/\r?\n/)[0];
    return { evidence: first ? ev(id, first) : null };
  }
  return null;
}

function linkFacts(field: ToolField<KdumpLink> | null, source: SourceId): LinkFacts | null {
  if (field === null) return null;
  const l = field.value;
  return {
    path: l.path,
    target: l.target,
    broken: l.kind === "broken-symlink",
    version: l.kernelVersion,
    evidence: [ev(source, field.text)],
  };
}

/**
 * kdump tooling, configuration and state, for every family: Debian/Ubuntu kdump-tools
 * (`kdump-config show|status|test`, /etc/default/kdump-tools), EL and Azure Linux kdumpctl
 * (`status`, `estimate`, `showmem`), SUSE kdumptool (`calibrate`). `state` rests on /sys first
 * (kexec_crash_loaded, or fadump_registered in fadump mode, trap 14), then the tools' own state
 * lines, then the service's logged load of this boot; a recorded `kexec command:` is never used
 * for it (trap 12).
 */
export function buildKdump(
  ctx: SourceContext,
  family: DistroFamily,
  arch: string | null,
  service: ServiceFacts,
): KdumpFacts {
  const show = ctx.parse("kdump_config_show", parseKdumpConfigShow);
  const status = ctx.parse("kdumpctl_status", parseKdumpctlStatus);
  const estimate = ctx.parse("kdumpctl_estimate", parseKdumpctlEstimate);
  const defaults = ctx.parse("etc_default_kdump_tools", parseDefaultKdumpTools);
  const cfgStatus = ctx.parse("kdump_config_status", parseKdumpConfigStatus);
  const cfgTest = ctx.parse("kdump_config_test", parseKdumpConfigTest);
  const showmem = ctx.parse("kdumpctl_showmem", parseKdumpctlShowmem);
  const calibrate = ctx.parse("kdumptool_calibrate", parseKdumptoolCalibrate);

  // --- installed / tool (R01): a tool that answered
  const showFound = show?.found === true || (show?.messages.length ?? 0) > 0;
  const statusFound = status !== null && (status.operational !== null || status.unsupported !== null);
  let tool: KdumpFacts["tool"] = null;
  let installed: boolean | null = null;
  const installedEvidence: Evidence[] = [];
  const answered: Array<[boolean, KdumpFacts["tool"], () => Evidence | null]> = [
    [
      showFound,
      "kdump-tools",
      () => {
        const first = show?.dumpMode ?? show?.useKdump ?? show?.state ?? show?.messages[0] ?? null;
        return first ? ev("kdump_config_show", first.text) : null;
      },
    ],
    [
      statusFound,
      "kdumpctl",
      () => {
        const line = status?.operational ?? status?.unsupported ?? null;
        return line ? ev("kdumpctl_status", line.text) : null;
      },
    ],
    [cfgStatus?.state != null, "kdump-tools", () => ev("kdump_config_status", cfgStatus!.state!.text)],
    // `kdump-config test` printing its settings is kdump-tools answering (KT kdump_test)
    [cfgTest?.useKdump != null, "kdump-tools", () => ev("kdump_config_test", cfgTest!.useKdump!.text)],
    [showmem?.reserved != null, "kdumpctl", () => ev("kdumpctl_showmem", showmem!.reserved!.text)],
    [
      calibrate?.values.Low != null,
      "kdumptool",
      () => ev("kdumptool_calibrate", calibrate!.values.Low!.text),
    ],
  ];
  const hit = answered.find(([yes]) => yes);
  if (hit) {
    tool = hit[1];
    installed = true;
    const line = hit[2]();
    if (line) installedEvidence.push(line);
  } else {
    // only the family's own tool being absent says anything (SUSE has no kdump-config or kdumpctl)
    const asked = FAMILY_TOOLS[family];
    const misses = asked.map((id) =>
      id === "kdump_config_show" && show?.notFound
        ? { evidence: ev(id, show.notFound.text) }
        : toolNotFound(ctx, id),
    );
    const present = asked.filter((id) => ctx.snapshot.sources?.[id]);
    const notFound = misses.filter((m) => m !== null);
    if (notFound.length > 0 && notFound.length >= present.length) {
      installed = false;
      for (const m of notFound) if (m.evidence) installedEvidence.push(m.evidence);
    }
  }

  // --- enabled (R02): USE_KDUMP on Debian/Ubuntu, the unit's boot enablement everywhere
  let enabled: boolean | null = null;
  let useKdump: string | null = null;
  const enabledEvidence: Evidence[] = [];
  const debianTools = tool === "kdump-tools" || (tool === null && (family === "debian" || defaults !== null));
  const notSet =
    show?.messages.find((m) => m.code === "use-kdump-not-set") ??
    cfgStatus?.messages.find((m) => m.code === "use-kdump-not-set");
  if (debianTools && defaults?.useKdump) {
    useKdump = defaults.useKdump.value;
    enabled = defaults.enabled;
    enabledEvidence.push(ev("etc_default_kdump_tools", defaults.useKdump.text));
  } else if (debianTools && defaults !== null) {
    useKdump = "";
    enabled = false;
    // no USE_KDUMP= line: nothing to cite (kdump-tools treats it like 0, "USE_KDUMP is not set or zero")
  }
  if (show?.useKdump && tool === "kdump-tools") {
    useKdump ??= show.useKdump.value;
    enabled ??= show.useKdump.value !== "" && show.useKdump.value !== "0";
    enabledEvidence.push(ev("kdump_config_show", show.useKdump.text));
  }
  if (notSet) {
    enabled = false;
    enabledEvidence.push(
      ev(show?.messages.includes(notSet) ? "kdump_config_show" : "kdump_config_status", notSet.text),
    );
  }
  if (installed === false && enabled === null) {
    enabled = false; // nothing can be enabled without the tooling
    enabledEvidence.push(...installedEvidence);
  }
  const bootLine = service.evidence.find(
    (e) => e.source === "kdump_service_status" && /^\s+Loaded:/.test(e.text),
  );
  if (service.enabledAtBoot === false && enabled !== false) {
    // USE_KDUMP=1 or not: a disabled unit arms nothing at the next boot
    enabled = false;
    if (bootLine) enabledEvidence.push(bootLine);
  } else if (enabled === null && service.enabledAtBoot === true) {
    enabled = true;
    if (bootLine) enabledEvidence.push(bootLine);
  }
  if (!debianTools && enabled === null) {
    if (status?.operational?.value === true) {
      enabled = true;
      enabledEvidence.push(ev("kdumpctl_status", status.operational.text));
    } else if (service.started === true && service.unit === "kdump") {
      enabled = true;
      enabledEvidence.push(...service.evidence.slice(0, 1));
    }
  }

  // --- mode and state (R06)
  const mode = buildDumpMode(ctx, arch);
  const fadumpLog = ctx.parse("dmesg", parseFadumpLines);
  const state = buildLoadState(ctx, mode.mode, { show, status, cfgStatus, fadumpLog, service });

  // --- suggested size (R05), links (R09), kexec command (R07)
  let suggestedBytes: ByteCount | null = null;
  let suggestedUnknownReason: string | null = null;
  const suggestedEvidence: Evidence[] = [];
  if (show?.suggestedSize) {
    suggestedBytes = show.suggestedSize.value.bytes;
    suggestedUnknownReason = show.suggestedSize.value.unknownReason;
    suggestedEvidence.push(ev("kdump_config_show", show.suggestedSize.text));
  }
  if (suggestedBytes === null && estimate?.recommended) {
    suggestedBytes = estimate.recommended.value;
    suggestedEvidence.push(ev("kdumpctl_estimate", estimate.recommended.text));
  }
  if (suggestedBytes === null && calibrate?.suggestedBytes != null && mode.mode !== "fadump") {
    suggestedBytes = calibrate.suggestedBytes;
    for (const key of ["Low", "High"] as const) {
      const line = calibrate.values[key];
      if (line) suggestedEvidence.push(ev("kdumptool_calibrate", line.text));
    }
  }
  const messages = [
    ...(show?.messages ?? []).map((m) => ({ ...m, source: "kdump_config_show" as SourceId })),
    ...(cfgTest?.messages ?? []).map((m) => ({ ...m, source: "kdump_config_test" as SourceId })),
    ...(cfgStatus?.messages ?? []).map((m) => ({ ...m, source: "kdump_config_status" as SourceId })),
  ];
  const loadErrors: Evidence[] = messages
    .filter((m) => LOAD_ERRORS.has(m.code))
    .map((m) => ev(m.source, m.text));
  if (service.failure) loadErrors.push(...service.failure.evidence);
  const linkProblems: Evidence[] = messages
    .filter((m) => LINK_PROBLEMS.has(m.code))
    .map((m) => ev(m.source, m.text));

  const kernelLink =
    linkFacts(show?.kernelLink ?? null, "kdump_config_show") ??
    linkFacts(cfgTest?.kernelLink ?? null, "kdump_config_test");
  const initrdLink =
    linkFacts(show?.initrdLink ?? null, "kdump_config_show") ??
    linkFacts(cfgTest?.initrdLink ?? null, "kdump_config_test");
  const recorded = show?.kexecCommand?.recorded ? show.kexecCommand : null;
  const showmemBytes = showmem?.reserved?.value ?? null;
  const pkgs = ctx.parse("installed_packages", parseInstalledPackages);
  const packages =
    pkgs === null
      ? null
      : {
          installed: pkgs.installed.map((p) => `${p.name} ${p.version}`),
          absent: pkgs.absent.map((p) => p.name),
          fullList: pkgs.fullList,
          evidence: [...pkgs.installed, ...pkgs.absent].map((p) => ev("installed_packages", p.text)),
        };
  const configFiles = (["kdump_conf", "etc_default_kdump_tools", "sysconfig_kdump"] as const).filter(
    (id) => ctx.text(id) !== null,
  );
  return {
    tool,
    installed,
    installedEvidence,
    enabled,
    useKdump,
    enabledEvidence,
    mode: mode.mode,
    modeEvidence: mode.evidence,
    state: state.state,
    stateEvidence: state.evidence,
    suggestedBytes,
    suggestedUnknownReason,
    suggestedEvidence,
    kernelLink,
    initrdLink,
    linksShown: kernelLink !== null || initrdLink !== null,
    linkProblems,
    kexecCommand: show?.kexecCommand?.command ?? cfgTest?.kexecCommand?.value ?? null,
    kexecUsesFileLoad: recorded ? recorded.fileLoad : cfgTest?.kexecCommand ? cfgTest.fileLoad : null,
    loadErrors,
    packages,
    configFiles,
    showmemBytes,
    showmemEvidence: showmem?.reserved ? [ev("kdumpctl_showmem", showmem.reserved.text)] : [],
    lastTest: status?.lastTest
      ? {
          result: status.lastTest.result,
          date: status.lastTest.date,
          evidence: [ev("kdumpctl_status", status.lastTest.text)],
        }
      : null,
  };
}
