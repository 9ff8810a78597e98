import type { SourceId } from "@kdumpwatch/core";
import {
  crashInfoFile,
  sosLogs,
  sosSystemctlStatus,
  supportconfigCommand,
  supportconfigFile,
  supportconfigLogs,
  supportconfigServiceStatus,
  supportconfigSystemLog,
} from "./capture-layouts.ts";
import { command, file, type HostContext, type Reader, sectionTail } from "./reader.ts";

/**
 * THE sources table (house-style §9, product.md §3): for every source core knows by name, where
 * it is read on a live host and where it sits in a capture directory. Readers are tried in order;
 * the first that yields text wins. In `capture`, absolute paths are the file's real path below
 * the capture root (`/proc/cmdline` → `<root>/proc/cmdline`) and relative paths are sos report
 * command files (`sos_commands/kernel/dmesg`). `collect --out` writes each source back to the
 * first capture reader, so a written capture reads back through this same table.
 *
 * Commands are a fixed allow-list: the argv below is all the agent ever runs (product.md §7).
 */
export interface SourceSpec {
  live: (ctx: HostContext) => Reader[];
  capture: (ctx: HostContext) => Reader[];
  /** size cap of the text kept (default DEFAULT_MAX_BYTES) */
  maxBytes?: number;
  /**
   * keep only the lines core judges on: "dmesg" (core's filterRelevantDmesg) or "kdump-log"
   * (core's filterKdumpLog, for whole system logs)
   */
  filter?: "dmesg" | "kdump-log";
}

export const DEFAULT_MAX_BYTES = 256 * 1024;
/** dmesg is read up to this size before filtering, then capped at DEFAULT_MAX_BYTES */
export const RAW_DMESG_MAX_BYTES = 4 * 1024 * 1024;
/** the service journal is read from its end: the latest load attempt is what matters */
const JOURNAL_MAX_BYTES = 64 * 1024;

/** The kdump unit(s) of the host's tooling: kdump-tools on Debian/Ubuntu, kdump elsewhere. */
function kdumpUnits(ctx: HostContext): string[] {
  if (ctx.family === "debian") return ["kdump-tools.service"];
  if (ctx.family === "el") return ["kdump.service"];
  return ["kdump-tools.service", "kdump.service"];
}

/**
 * A file read at the same real path on a live host and in a capture, with fallbacks; a capture may
 * also hold it inside a support bundle's flat file (capture-layouts.ts).
 */
function sameFile(...paths: [string, ...string[]]): Pick<SourceSpec, "live" | "capture"> {
  return bundled(paths, []);
}

function bundled(paths: readonly string[], inBundle: Reader[]): Pick<SourceSpec, "live" | "capture"> {
  const readers = (): Reader[] => paths.map((p) => file(p));
  return { live: readers, capture: () => [...readers(), ...inBundle] };
}

/**
 * A sysctl: /proc/sys live; in a capture /proc/sys, else its line in sos's `sysctl -a`, else
 * supportconfig's copy of the /proc/sys file (proc.txt) or its `sysctl -a` (env.txt).
 */
function sysctl(key: string): SourceSpec {
  const path = `/proc/sys/${key.replaceAll(".", "/")}`;
  return {
    live: () => [file(path)],
    capture: () => [
      file(path),
      { kind: "sysctl-line", path: "sos_commands/kernel/sysctl_-a", key },
      ...supportconfigFile(path, "proc.txt"),
      { kind: "sysctl-line", path: "env.txt", key, section: { kind: "command", name: "sysctl -a" } },
    ],
  };
}

/** A command on a live host, its sos report file in a capture. */
function commandOutput(
  argv: readonly [string, ...string[]],
  sosPath: string,
  options: { anyExit?: boolean; stderrFirst?: boolean } = {},
): SourceSpec {
  return { live: () => [command(argv, options)], capture: () => [file(sosPath)] };
}

/** kdump-config is Debian's, kdumpctl EL's: on a host configured for the other one it is not applicable. */
function onlyUnless(family: HostContext["family"], spec: SourceSpec): SourceSpec {
  return { ...spec, live: (ctx) => (ctx.family === family ? [] : spec.live(ctx)) };
}

const SHOW = { anyExit: true, stderrFirst: true } as const;
const RPM_QUERY = command(["rpm", "-q", "kexec-tools", "kdump-utils", "kdump", "makedumpfile"], SHOW);
// dpkg-query's own ${field} format (dpkg-query(1) --showformat), one argv word, no shell
// biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholders are dpkg-query's, not JavaScript's
const DPKG_FORMAT = "${Status}\t${Package}\t${Version}\n";
const DPKG_QUERY = command(
  ["dpkg-query", "-W", "-f", DPKG_FORMAT, "kdump-tools", "kexec-tools", "makedumpfile"],
  SHOW,
);

export const SOURCE_TABLE: Readonly<Record<SourceId, SourceSpec>> = {
  cmdline: bundled(["/proc/cmdline"], supportconfigFile("/proc/cmdline", "boot.txt", "crash.txt")),
  meminfo: bundled(["/proc/meminfo"], supportconfigFile("/proc/meminfo", "memory.txt")),
  iomem: sameFile("/proc/iomem"),
  kexec_crash_size: bundled(["/sys/kernel/kexec_crash_size"], crashInfoFile("/sys/kernel/kexec_crash_size")),
  kexec_crash_loaded: bundled(
    ["/sys/kernel/kexec_crash_loaded"],
    crashInfoFile("/sys/kernel/kexec_crash_loaded"),
  ),
  // fadump: newer sysfs directory first, legacy flat files second (domain.md §2.3)
  fadump_enabled: bundled(
    ["/sys/kernel/fadump/enabled", "/sys/kernel/fadump_enabled"],
    crashInfoFile("/sys/kernel/fadump/enabled"),
  ),
  fadump_registered: bundled(
    ["/sys/kernel/fadump/registered", "/sys/kernel/fadump_registered"],
    crashInfoFile("/sys/kernel/fadump/registered"),
  ),
  fadump_mem_reserved: bundled(
    ["/sys/kernel/fadump/mem_reserved"],
    crashInfoFile("/sys/kernel/fadump/mem_reserved"),
  ),
  lockdown: sameFile("/sys/kernel/security/lockdown"),

  "sysctl.kernel.sysrq": sysctl("kernel.sysrq"),
  "sysctl.kernel.panic_on_oops": sysctl("kernel.panic_on_oops"),
  "sysctl.kernel.panic": sysctl("kernel.panic"),
  "sysctl.kernel.softlockup_panic": sysctl("kernel.softlockup_panic"),
  "sysctl.kernel.hung_task_panic": sysctl("kernel.hung_task_panic"),
  "sysctl.kernel.unknown_nmi_panic": sysctl("kernel.unknown_nmi_panic"),
  "sysctl.kernel.panic_on_warn": sysctl("kernel.panic_on_warn"),
  "sysctl.vm.panic_on_oom": sysctl("vm.panic_on_oom"),
  "sysctl.kernel.kexec_load_disabled": sysctl("kernel.kexec_load_disabled"),
  "sysctl.kernel.kexec_load_limit_panic": sysctl("kernel.kexec_load_limit_panic"),

  etc_default_kdump_tools: sameFile("/etc/default/kdump-tools"),
  etc_default_grub: bundled(["/etc/default/grub"], supportconfigFile("/etc/default/grub", "boot.txt")),
  etc_default_grub_d: {
    live: () => [{ kind: "concat", dir: "/etc/default/grub.d", suffix: ".cfg" }],
    capture: () => [{ kind: "concat", dir: "/etc/default/grub.d", suffix: ".cfg" }],
  },
  kdump_conf: bundled(["/etc/kdump.conf"], crashInfoFile("/etc/kdump.conf")),
  sysconfig_kdump: bundled(["/etc/sysconfig/kdump"], crashInfoFile("/etc/sysconfig/kdump")),
  os_release: bundled(
    ["/etc/os-release", "/usr/lib/os-release"],
    supportconfigFile("/etc/os-release", "basic-environment.txt"),
  ),
  machine_id: sameFile("/etc/machine-id"),
  hostname: sameFile("/etc/hostname", "/proc/sys/kernel/hostname"),

  uname: {
    live: () => [command(["uname", "-a"])],
    capture: () => [
      file("sos_commands/kernel/uname_-a"),
      ...supportconfigCommand("uname -a", "basic-environment.txt", "boot.txt"),
    ],
  },
  dmesg: {
    // dmesg can be restricted (kernel.dmesg_restrict) or absent; the journal and kern.log hold the same lines
    live: () => [
      command(["dmesg"]),
      command(["journalctl", "-k", "-b", "--no-pager"]),
      file("/var/log/kern.log", "tail"),
    ],
    // a capture without sos's dmesg: the last boot's kernel lines of its journal or system log
    capture: () => [
      file("sos_commands/kernel/dmesg"),
      file("/var/log/kern.log", "tail"),
      ...sosLogs("kernel"),
      ...supportconfigLogs("kernel"),
    ],
    filter: "dmesg",
  },
  kdump_config_show: onlyUnless(
    "el",
    commandOutput(["kdump-config", "show"], "sos_commands/kdump/kdump-config_show", SHOW),
  ),
  kdumpctl_status: onlyUnless(
    "debian",
    commandOutput(["kdumpctl", "status"], "sos_commands/kdump/kdumpctl_status", SHOW),
  ),
  kdumpctl_estimate: onlyUnless(
    "debian",
    commandOutput(["kdumpctl", "estimate"], "sos_commands/kdump/kdumpctl_estimate", SHOW),
  ),
  kdump_service_journal: {
    live: (ctx) => {
      const units =
        ctx.family === "debian"
          ? ["kdump-tools"]
          : ctx.family === "el"
            ? ["kdump"]
            : ["kdump-tools", "kdump"];
      return [
        command(["journalctl", "-b", ...units.flatMap((u) => ["-u", u]), "--no-pager"], { keep: "tail" }),
      ];
    },
    capture: (ctx) => {
      const debian = file("sos_commands/kdump/journalctl_-b_-u_kdump-tools", "tail");
      const el = file("sos_commands/kdump/journalctl_-b_-u_kdump", "tail");
      // real sos reports and supportconfig hold the whole journal: its last boot's kdump lines
      const whole = [...sosLogs("kdump"), sosSystemctlStatus(), ...supportconfigLogs("kdump")];
      return ctx.family === "el" ? [el, debian, ...whole] : [debian, el, ...whole];
    },
    maxBytes: JOURNAL_MAX_BYTES,
  },
  mokutil_sb_state: {
    live: () => [command(["mokutil", "--sb-state"], SHOW)],
    capture: () => [
      file("sos_commands/boot/mokutil_--sb-state"),
      ...supportconfigCommand("mokutil --sb-state", "boot.txt"),
    ],
  },
  df_dump_dir: {
    // the dump dir may not exist yet (kdump-tools creates it when saving): ask about its nearest ancestor
    live: (ctx) => [command(["df", "-P", "-k", ctx.dfTarget])],
    capture: () => [file("sos_commands/filesys/df_-al_-x_autofs")],
  },
  dump_dir_listing: {
    live: (ctx) => [{ kind: "listing", dir: ctx.dumpDir }],
    capture: (ctx) => [{ kind: "listing", dir: ctx.dumpDir }],
  },

  // The service that arms capture and the logs of its last start (issue 11 §1). systemctl status
  // is one block per unit; sos keeps every unit's block in systemctl_status_--all, which core
  // reads for the kdump units only.
  kdump_service_status: {
    live: (ctx) => [
      command(["systemctl", "status", "--no-pager", "--full", "--lines=50", ...kdumpUnits(ctx)], SHOW),
    ],
    capture: () => [file("sos_commands/systemd/systemctl_status_--all"), ...supportconfigServiceStatus()],
    maxBytes: 1024 * 1024,
  },
  // kdumpctl's kexec trace (EL 8.4+/9): appended at every load, so its end is what matters
  kdump_log: {
    live: () => [file("/var/log/kdump.log", "tail")],
    capture: () => [
      file("/var/log/kdump.log", "tail"),
      sectionTail("crash.txt", "file", "/var/log/kdump.log"),
    ],
    maxBytes: JOURNAL_MAX_BYTES,
  },
  // only the kdump lines leave the host (core's filterKdumpLog); a rotated file keeps its tail,
  // sos's whole-boot journal its head (this boot's kdump start is near its beginning)
  system_log: {
    live: () => [file("/var/log/messages", "tail"), file("/var/log/syslog", "tail")],
    capture: () => [
      file("sos_commands/logs/journalctl_--no-pager_--boot", "head"),
      file("sos_commands/logs/journalctl_--no-pager_--catalog_--boot", "head"),
      file("/var/log/messages", "tail"),
      file("/var/log/syslog", "tail"),
      ...supportconfigSystemLog(),
    ],
    filter: "kdump-log",
  },
  kdumpctl_showmem: onlyUnless(
    "debian",
    commandOutput(["kdumpctl", "showmem"], "sos_commands/kdump/kdumpctl_showmem", SHOW),
  ),
  kdump_config_status: onlyUnless(
    "el",
    commandOutput(["kdump-config", "status"], "sos_commands/kdump/kdump-config_status", SHOW),
  ),
  // a dry run: kdump-config sets DRY_RUN for `test` and neither loads nor changes links (KT kdump-config)
  kdump_config_test: onlyUnless(
    "el",
    commandOutput(["kdump-config", "test"], "sos_commands/kdump/kdump-config_test", SHOW),
  ),
  kdumptool_calibrate: {
    live: (ctx) => (ctx.family === "unknown" ? [command(["kdumptool", "calibrate"], SHOW)] : []),
    capture: () => [
      file("sos_commands/kdump/kdumptool_calibrate"),
      ...supportconfigCommand("kdumptool calibrate", "crash.txt"),
    ],
  },
  installed_packages: {
    live: (ctx) => (ctx.family === "el" ? [RPM_QUERY, DPKG_QUERY] : [DPKG_QUERY, RPM_QUERY]),
    capture: () => [file("installed-rpms"), file("sos_commands/dpkg/dpkg_-l")],
    maxBytes: 1024 * 1024,
  },
};
