import type { DistroFamily, Evidence, KdumpFacts, ServiceFacts } from "./host-facts.ts";
import type { Installation } from "./kdump-installation.ts";
import type { ToolOutputs } from "./kdump-tool-outputs.ts";
import { ev } from "./source-context.ts";

export interface Enablement {
  enabled: boolean | null;
  useKdump: string | null;
  evidence: Evidence[];
  /** kdump-tools manages kdump here (USE_KDUMP applies). */
  debianTools: boolean;
}

/** enabled (R02), first half: USE_KDUMP on Debian/Ubuntu, from the defaults file and kdump-config. */
export function useKdumpSetting(input: {
  tools: ToolOutputs;
  tool: KdumpFacts["tool"];
  family: DistroFamily;
}): Enablement {
  const { tools, tool, family } = input;
  const { show, defaults, cfgStatus } = tools;
  let enabled: boolean | null = null;
  let useKdump: string | null = null;
  const evidence: Evidence[] = [];
  const debianTools = tool === "kdump-tools" || (tool === null && (family === "debian" || defaults !== null));
  const notSet =
    show?.messages.find((m) => m.code === "use-kdump-not-set") ??
    cfgStatus?.messages.find((m) => m.code === "use-kdump-not-set");
  if (debianTools && defaults?.useKdump) {
    useKdump = defaults.useKdump.value;
    enabled = defaults.enabled;
    evidence.push(ev("etc_default_kdump_tools", defaults.useKdump.text));
  } else if (debianTools && defaults !== null) {
    useKdump = "";
    enabled = false;
    // no USE_KDUMP= line: nothing to cite (kdump-tools treats it like 0, "USE_KDUMP is not set or zero")
  }
  if (show?.useKdump && tool === "kdump-tools") {
    useKdump ??= show.useKdump.value;
    enabled ??= show.useKdump.value !== "" && show.useKdump.value !== "0";
    evidence.push(ev("kdump_config_show", show.useKdump.text));
  }
  if (notSet) {
    enabled = false;
    evidence.push(
      ev(show?.messages.includes(notSet) ? "kdump_config_show" : "kdump_config_status", notSet.text),
    );
  }
  return { enabled, useKdump, evidence, debianTools };
}

/**
 * enabled (R02), second half: no tooling enables nothing, the unit's boot enablement everywhere,
 * and on kdumpctl families an operational status or a started kdump unit.
 */
export function unitEnablement(input: {
  tools: ToolOutputs;
  service: ServiceFacts;
  installation: Installation;
  setting: Enablement;
}): Enablement {
  const { tools, service, installation, setting } = input;
  let { enabled } = setting;
  const evidence = [...setting.evidence];
  if (installation.installed === false && enabled === null) {
    enabled = false; // nothing can be enabled without the tooling
    evidence.push(...installation.installedEvidence);
  }
  const bootLine = service.evidence.find(
    (e) => e.source === "kdump_service_status" && /^\s+Loaded:/.test(e.text),
  );
  if (service.enabledAtBoot === false && enabled !== false) {
    // USE_KDUMP=1 or not: a disabled unit arms nothing at the next boot
    enabled = false;
    if (bootLine) evidence.push(bootLine);
  } else if (enabled === null && service.enabledAtBoot === true) {
    enabled = true;
    if (bootLine) evidence.push(bootLine);
  }
  if (!setting.debianTools && enabled === null) {
    if (tools.status?.operational?.value === true) {
      enabled = true;
      evidence.push(ev("kdumpctl_status", tools.status.operational.text));
    } else if (service.started === true && service.unit === "kdump") {
      enabled = true;
      evidence.push(...service.evidence.slice(0, 1));
    }
  }
  return { ...setting, enabled, evidence };
}
