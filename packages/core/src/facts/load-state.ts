/**
 * Is a capture kernel armed right now? Sources, most direct first (domain §2.3, R06):
 *   kdump mode    /sys/kernel/kexec_crash_loaded
 *   fadump mode   /sys/kernel/fadump/registered (kexec_crash_loaded stays 0 there, trap 14)
 * then the tools' own readings of the same file: `current state:` of kdump-config show / status
 * (KT kdump_show reads kexec_crash_loaded / fadump_registered), `kdumpctl status` (kdumpctl
 * check_current_status); in fadump mode the kernel's `Registration is successful` line; last, the
 * service's own log of this boot: its last load attempt succeeded or failed (a stand-in when
 * nothing above was collected, e.g. a sos report without /sys).
 */
import { parseFadumpRegistered } from "../parsers/kernel/fadump.ts";
import { parseKexecCrashLoaded } from "../parsers/kernel/kexec-crash-loaded.ts";
import type {
  FadumpLines,
  KdumpConfigShow,
  KdumpConfigStatus,
  KdumpctlStatus,
} from "../parsers/tools/index.ts";
import type { SourceId } from "../sources.ts";
import type { Evidence, KdumpFacts, ServiceFacts } from "./host-facts.ts";
import { readValue } from "./read-value.ts";
import { ev, type SourceContext } from "./source-context.ts";

export interface LoadInputs {
  show: KdumpConfigShow | null;
  status: KdumpctlStatus | null;
  cfgStatus: KdumpConfigStatus | null;
  fadumpLog: FadumpLines | null;
  service: ServiceFacts;
}

export function buildLoadState(
  ctx: SourceContext,
  mode: KdumpFacts["mode"],
  { show, status, cfgStatus, fadumpLog, service }: LoadInputs,
): { state: KdumpFacts["state"]; evidence: Evidence[] } {
  const evidence: Evidence[] = [];
  let state: KdumpFacts["state"] = null;
  const sysfsId: SourceId = mode === "fadump" ? "fadump_registered" : "kexec_crash_loaded";
  const sysfs =
    mode === "fadump"
      ? readValue(ctx, "fadump_registered", parseFadumpRegistered, (v) => v.registered)
      : readValue(ctx, "kexec_crash_loaded", parseKexecCrashLoaded, (v) => v.loaded);
  if (sysfs.value !== null) {
    state = sysfs.value ? "ready" : "not_ready";
    evidence.push(ev(sysfsId, sysfs.text ?? String(sysfs.value)));
  }
  if (show?.state) {
    state ??= show.state.value.ready ? "ready" : "not_ready";
    evidence.push(ev("kdump_config_show", show.state.text));
  }
  if (cfgStatus?.state) {
    state ??= cfgStatus.state.value.ready ? "ready" : "not_ready";
    evidence.push(ev("kdump_config_status", cfgStatus.state.text));
  }
  if (status?.operational) {
    state ??= status.operational.value ? "ready" : "not_ready";
    evidence.push(ev("kdumpctl_status", status.operational.text));
  }
  if (state === null && mode === "fadump" && fadumpLog?.registered) {
    state = "ready";
    evidence.push(ev("dmesg", fadumpLog.registered.text));
  }
  if (state === null && service.lastLoad !== null && service.failure?.thisBoot !== false) {
    // the service's own account of this boot stands in for the state files
    if (service.lastLoad === "loaded") {
      state = "ready";
      evidence.push(
        ...service.evidence.filter((e) => e.source !== "kdump_service_status" || /Active:/.test(e.text)),
      );
    } else if (service.lastLoad === "failed") {
      state = "not_ready";
      evidence.push(...(service.failure?.evidence ?? []));
    }
  }
  return { state, evidence };
}
