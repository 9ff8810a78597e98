import type { ByteCount } from "../byte-count.ts";
import {
  type KdumpLink,
  type KdumpToolsMessageCode,
  parseFadumpLines,
  parseInstalledPackages,
  type ToolField,
} from "../parsers/tools/index.ts";
import type { SourceId } from "../sources.ts";
import { buildDumpMode } from "./dump-mode.ts";
import type { DistroFamily, Evidence, KdumpFacts, LinkFacts, ServiceFacts } from "./host-facts.ts";
import { unitEnablement, useKdumpSetting } from "./kdump-enablement.ts";
import { toolInstallation } from "./kdump-installation.ts";
import { readToolOutputs, type ToolOutputs } from "./kdump-tool-outputs.ts";
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
  host: { family: DistroFamily; arch: string | null; service: ServiceFacts },
): KdumpFacts {
  const { family, arch, service } = host;
  const tools = readToolOutputs(ctx);
  const installation = toolInstallation({ ctx, family, tools });
  const enablement = unitEnablement({
    tools,
    service,
    installation,
    setting: useKdumpSetting({ tools, tool: installation.tool, family }),
  });
  const mode = buildDumpMode(ctx, arch);
  const fadumpLog = ctx.parse("dmesg", parseFadumpLines);
  const { show, status, cfgStatus, cfgTest, showmem } = tools;
  const state = buildLoadState(ctx, mode.mode, { show, status, cfgStatus, fadumpLog, service });
  const suggested = suggestedSize(tools, mode.mode);
  const problems = toolProblems(tools, service);
  const links = kdumpLinks(tools);
  const recorded = show?.kexecCommand?.recorded ? show.kexecCommand : null;
  // fields written out rather than spread from `installation` and `links`: the spreads made this
  // literal one of the dearest lines of judging (issue 13); the order is the one they gave
  return {
    tool: installation.tool,
    installed: installation.installed,
    installedEvidence: installation.installedEvidence,
    enabled: enablement.enabled,
    useKdump: enablement.useKdump,
    enabledEvidence: enablement.evidence,
    mode: mode.mode,
    modeEvidence: mode.evidence,
    state: state.state,
    stateEvidence: state.evidence,
    suggestedBytes: suggested.bytes,
    suggestedUnknownReason: suggested.unknownReason,
    suggestedEvidence: suggested.evidence,
    kernelLink: links.kernelLink,
    initrdLink: links.initrdLink,
    linksShown: links.kernelLink !== null || links.initrdLink !== null,
    linkProblems: problems.linkProblems,
    kexecCommand: show?.kexecCommand?.command ?? cfgTest?.kexecCommand?.value ?? null,
    kexecUsesFileLoad: recorded ? recorded.fileLoad : cfgTest?.kexecCommand ? cfgTest.fileLoad : null,
    loadErrors: problems.loadErrors,
    packages: installedPackages(ctx),
    configFiles: configFiles(ctx),
    showmemBytes: showmem?.reserved?.value ?? null,
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

/** suggested size (R05): kdump-config's, else kdumpctl estimate's, else kdumptool calibrate's (not fadump). */
function suggestedSize(
  tools: ToolOutputs,
  mode: KdumpFacts["mode"],
): { bytes: ByteCount | null; unknownReason: string | null; evidence: Evidence[] } {
  const { show, estimate, calibrate } = tools;
  let bytes: ByteCount | null = null;
  let unknownReason: string | null = null;
  const evidence: Evidence[] = [];
  if (show?.suggestedSize) {
    bytes = show.suggestedSize.value.bytes;
    unknownReason = show.suggestedSize.value.unknownReason;
    evidence.push(ev("kdump_config_show", show.suggestedSize.text));
  }
  if (bytes === null && estimate?.recommended) {
    bytes = estimate.recommended.value;
    evidence.push(ev("kdumpctl_estimate", estimate.recommended.text));
  }
  if (bytes === null && calibrate?.suggestedBytes != null && mode !== "fadump") {
    bytes = calibrate.suggestedBytes;
    for (const key of ["Low", "High"] as const) {
      const line = calibrate.values[key];
      if (line) evidence.push(ev("kdumptool_calibrate", line.text));
    }
  }
  return { bytes, unknownReason, evidence };
}

/** Load errors (R07) and link problems (R09) the kdump-tools commands printed, plus the unit's failure. */
function toolProblems(
  tools: ToolOutputs,
  service: ServiceFacts,
): { loadErrors: Evidence[]; linkProblems: Evidence[] } {
  const { show, cfgTest, cfgStatus } = tools;
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
  return { loadErrors, linkProblems };
}

/** The kdump kernel and initrd links (R09), from `kdump-config show`, else `kdump-config test`. */
function kdumpLinks(tools: ToolOutputs): Pick<KdumpFacts, "kernelLink" | "initrdLink"> {
  const { show, cfgTest } = tools;
  return {
    kernelLink:
      linkFacts(show?.kernelLink ?? null, "kdump_config_show") ??
      linkFacts(cfgTest?.kernelLink ?? null, "kdump_config_test"),
    initrdLink:
      linkFacts(show?.initrdLink ?? null, "kdump_config_show") ??
      linkFacts(cfgTest?.initrdLink ?? null, "kdump_config_test"),
  };
}

function installedPackages(ctx: SourceContext): KdumpFacts["packages"] {
  const pkgs = ctx.parse("installed_packages", parseInstalledPackages);
  if (pkgs === null) return null;
  return {
    installed: pkgs.installed.map((p) => `${p.name} ${p.version}`),
    absent: pkgs.absent.map((p) => p.name),
    fullList: pkgs.fullList,
    evidence: [...pkgs.installed, ...pkgs.absent].map((p) => ev("installed_packages", p.text)),
  };
}

function configFiles(ctx: SourceContext): KdumpFacts["configFiles"] {
  return (["kdump_conf", "etc_default_kdump_tools", "sysconfig_kdump"] as const).filter(
    (id) => ctx.text(id) !== null,
  );
}
