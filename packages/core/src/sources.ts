/**
 * The evidence a host reports, by name. The agent's sources table (apps/agent) says where each one
 * is read on a live host and where it sits in a capture directory; core only knows the names and
 * parses the texts. Names are stored and sent on the wire: they only grow, never change meaning.
 */
export const SOURCE_IDS = [
  // files under /proc and /sys
  "cmdline", // /proc/cmdline
  "meminfo", // /proc/meminfo
  "iomem", // /proc/iomem (addresses read as zeros without CAP_SYS_ADMIN)
  "kexec_crash_size", // /sys/kernel/kexec_crash_size
  "kexec_crash_loaded", // /sys/kernel/kexec_crash_loaded
  "fadump_enabled", // /sys/kernel/fadump/enabled, legacy /sys/kernel/fadump_enabled
  "fadump_registered", // /sys/kernel/fadump/registered, legacy /sys/kernel/fadump_registered
  "fadump_mem_reserved", // /sys/kernel/fadump/mem_reserved
  "lockdown", // /sys/kernel/security/lockdown
  "sysctl.kernel.sysrq",
  "sysctl.kernel.panic_on_oops",
  "sysctl.kernel.panic",
  "sysctl.kernel.softlockup_panic",
  "sysctl.kernel.hung_task_panic",
  "sysctl.kernel.unknown_nmi_panic",
  "sysctl.kernel.panic_on_warn",
  "sysctl.vm.panic_on_oom",
  "sysctl.kernel.kexec_load_disabled",
  "sysctl.kernel.kexec_load_limit_panic",
  // configuration files
  "etc_default_kdump_tools", // /etc/default/kdump-tools
  "etc_default_grub", // /etc/default/grub
  "etc_default_grub_d", // /etc/default/grub.d/*.cfg, concatenated, each preceded by "# file: <path>"
  "kdump_conf", // /etc/kdump.conf (EL)
  "sysconfig_kdump", // /etc/sysconfig/kdump (EL, SUSE)
  "os_release", // /etc/os-release
  "machine_id", // /etc/machine-id
  "hostname", // /etc/hostname
  // command outputs (allow-listed argv, no shell)
  "uname", // uname -a
  "dmesg", // dmesg, falling back to journalctl -k -b, then /var/log/kern.log; filtered to relevant lines
  "kdump_config_show", // kdump-config show (stdout and stderr, stderr first)
  "kdumpctl_status", // kdumpctl status
  "kdumpctl_estimate", // kdumpctl estimate
  "kdump_service_journal", // journalctl -b -u kdump-tools (EL: -u kdump)
  "mokutil_sb_state", // mokutil --sb-state
  "df_dump_dir", // df -P -k <dump dir>; capture: sos_commands/filesys/df_-al_-x_autofs
  "dump_dir_listing", // listing of the dump directory (see parseDumpListing for the format)
  // the service that arms capture, and the logs that say how its last start went
  "kdump_service_status", // systemctl status of the kdump unit; capture: sos systemctl_status_--all
  "kdump_log", // /var/log/kdump.log (kdumpctl's kexec trace on EL 8.4+/9)
  "system_log", // kdump lines of /var/log/messages or /var/log/syslog (or a whole-boot journal)
  // tool outputs of each family
  "kdumpctl_showmem", // kdumpctl showmem (EL)
  "kdump_config_status", // kdump-config status (Debian/Ubuntu)
  "kdump_config_test", // kdump-config test (Debian/Ubuntu; a dry run)
  "kdumptool_calibrate", // kdumptool calibrate (SUSE)
  "installed_packages", // which kdump packages are installed: rpm -q / dpkg-query; capture: installed-rpms, dpkg -l
] as const;

export type SourceId = (typeof SOURCE_IDS)[number];

/** Why a source could not be read. "missing" = file absent / source not applicable on this host. */
export const SOURCE_ERRORS = ["missing", "not-found", "permission", "timeout", "failed"] as const;
export type SourceError = (typeof SOURCE_ERRORS)[number];

export type SourceResult =
  | {
      ok: true;
      text: string;
      /** the reader stopped at its size cap */
      truncated?: boolean;
      /** which path or argv produced it, e.g. "journalctl -k -b" after dmesg failed */
      via?: string;
      /** exit status of a command, when not 0 */
      exitCode?: number;
    }
  | { ok: false; error: SourceError; detail?: string; via?: string };

/** The raw evidence of one host at one moment: what the agent sends and what the server judges. */
export interface Snapshot {
  sources: Partial<Record<SourceId, SourceResult>>;
  /** ISO-8601 time of collection on the host */
  collectedAt: string;
}

/** Text of a source when it was read, else null. */
export function sourceText(snapshot: Snapshot, id: SourceId): string | null {
  const r = snapshot.sources[id];
  return r?.ok ? r.text : null;
}
