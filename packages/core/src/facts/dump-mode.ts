/**
 * kdump or fadump, from every sign of it (issue: fadump is recognised from every sign), strongest
 * first:
 *   1. /sys/kernel/fadump/enabled (legacy fadump_enabled): the kernel's own answer, 1 or 0
 *   2. /sys/kernel/fadump/registered = 1
 *   3. kdump-config show / status `DUMP_MODE: fadump`, `ready to fadump`; kdumpctl
 *      `Dump mode is fadump`, `fadump: registered successfully` in the service logs
 *   4. the kernel log: `fadump: Reserved …MB`, `Registration is successful`, `Firmware-assisted
 *      dump is active` (arch/powerpc/kernel/fadump.c, rtas-fadump.c)
 *   5. `fadump=on` / `fadump=nocma` last on the command line (early_fadump_param), on ppc64 or an
 *      unknown arch; SUSE `KDUMP_FADUMP="true"` in /etc/sysconfig/kdump
 * A kernel log saying `Firmware-assisted dump is not supported on this hardware` means the
 * kernel switched fadump off (fadump_reserve_mem), so the host runs kdump.
 */
import { parseFadumpEnabled, parseFadumpRegistered } from "../parsers/kernel/fadump.ts";
import { parseKexecCrashLoaded } from "../parsers/kernel/kexec-crash-loaded.ts";
import {
  parseFadumpLines,
  parseKdumpConfigShow,
  parseKdumpConfigStatus,
  parseKdumpctlStatus,
  parseKdumpServiceJournal,
  parseSysconfigKdump,
  parseSystemLog,
} from "../parsers/tools/index.ts";
import type { Evidence, KdumpFacts } from "./host-facts.ts";
import { readValue } from "./read-value.ts";
import { ev, type SourceContext } from "./source-context.ts";

/** The value of the last `fadump=` token of a command line (the kernel keeps the last one). */
function fadumpParam(cmdline: string | null): { value: string; token: string } | null {
  if (cmdline === null) return null;
  let last: { value: string; token: string } | null = null;
  for (const token of cmdline.split(/\s+/)) {
    const m = /^fadump=(\S*)$/.exec(token);
    if (m) last = { value: m[1]!, token };
  }
  return last;
}

export interface DumpMode {
  mode: KdumpFacts["mode"];
  evidence: Evidence[];
}

export function buildDumpMode(ctx: SourceContext, arch: string | null): DumpMode {
  const enabled = readValue(ctx, "fadump_enabled", parseFadumpEnabled, (v) => v.enabled);
  if (enabled.value !== null) {
    return { mode: enabled.value ? "fadump" : "kdump", evidence: [ev("fadump_enabled", enabled.text ?? "")] };
  }
  const strong: Evidence[] = [];
  const registered = readValue(ctx, "fadump_registered", parseFadumpRegistered, (v) => v.registered);
  if (registered.value === true) strong.push(ev("fadump_registered", registered.text ?? "1"));
  const show = ctx.parse("kdump_config_show", parseKdumpConfigShow);
  if (show?.found && show.mode === "fadump")
    strong.push(ev("kdump_config_show", (show.dumpMode ?? show.state)!.text));
  const status = ctx.parse("kdump_config_status", parseKdumpConfigStatus);
  if (status?.state?.value.mode === "fadump") strong.push(ev("kdump_config_status", status.state.text));
  for (const id of ["kdump_service_journal", "system_log"] as const) {
    const log = ctx.parse(id, id === "system_log" ? parseSystemLog : parseKdumpServiceJournal);
    const sign = log?.findings.find((f) => f.code === "fadump-mode" || f.code === "fadump-registered");
    if (sign) strong.push(ev(id, sign.text));
  }
  const kernel = ctx.parse("dmesg", parseFadumpLines);
  const kernelSign = kernel?.registered ?? kernel?.reserved ?? kernel?.active ?? null;
  if (kernelSign) strong.push(ev("dmesg", kernelSign.text));
  const unsupported = kernel?.failures.find((f) => /not supported on this hardware/.test(f.text)) ?? null;
  if (strong.length > 0) return { mode: "fadump", evidence: strong };
  if (unsupported) return { mode: "kdump", evidence: [ev("dmesg", unsupported.text)] };

  const ppc = arch === null || /^ppc64/.test(arch);
  const param = fadumpParam(ctx.text("cmdline"));
  const cmdlineLine = ctx.text("cmdline")?.split(/\r?\n/)[0] ?? null;
  if (ppc && param && (param.value === "on" || param.value === "nocma")) {
    return { mode: "fadump", evidence: [ev("cmdline", cmdlineLine ?? param.token)] };
  }
  // an explicit fadump=off leaves kdump (early_fadump_param)
  if (param?.value === "off") return { mode: "kdump", evidence: [ev("cmdline", cmdlineLine ?? param.token)] };
  const sysconfig = ctx.parse("sysconfig_kdump", parseSysconfigKdump);
  if (
    ppc &&
    sysconfig?.flavour === "suse" &&
    sysconfig.fadump.value.toLowerCase() === "true" &&
    sysconfig.fadump.text
  ) {
    return { mode: "fadump", evidence: [ev("sysconfig_kdump", sysconfig.fadump.text)] };
  }
  // kdump mode needs a positive sign too: otherwise the mode is unknown
  if (show?.found)
    return { mode: show.mode, evidence: show.dumpMode ? [ev("kdump_config_show", show.dumpMode.text)] : [] };
  const loaded = readValue(ctx, "kexec_crash_loaded", parseKexecCrashLoaded, (v) => v.loaded);
  if (loaded.value !== null) return { mode: "kdump", evidence: [] };
  const ctl = ctx.parse("kdumpctl_status", parseKdumpctlStatus);
  if (ctl?.operational || status?.state) return { mode: "kdump", evidence: [] };
  return { mode: null, evidence: [] };
}
