/**
 * The sources each check's evidence quotes: what an operator should read, or collect, to see why
 * a check came out as it did. Shown in docs/checks.md; test/repo/check-evidence.test.ts judges
 * every capture in test/captures and fails when a check quotes a source not listed here.
 */
import type { SourceId } from "../sources.ts";
import type { CheckId } from "./check.ts";

/** `"every"`: the check reports on the collection itself, so any source can appear. */
export const CHECK_EVIDENCE: Readonly<Record<CheckId, readonly SourceId[] | "every">> = {
  "kdump.tools-installed": [
    "kdump_config_show",
    "kdumpctl_status",
    "kdump_service_status",
    "kdump_service_journal",
    "installed_packages",
    "kexec_crash_loaded",
  ],
  "kdump.enabled": [
    "etc_default_kdump_tools",
    "kdump_config_show",
    "kdumpctl_status",
    "kdump_service_status",
    "kdump_service_journal",
    "kdump_log",
    "kexec_crash_loaded",
  ],
  "crashkernel.param": ["cmdline", "dmesg"],
  "crashkernel.reserved": [
    "kexec_crash_size",
    "iomem",
    "dmesg",
    "kdump_config_show",
    "kdump_service_journal",
    "fadump_mem_reserved",
  ],
  "kdump.loaded": [
    "kexec_crash_loaded",
    "fadump_registered",
    "kdump_config_show",
    "kdumpctl_status",
    "kdump_service_status",
    "kdump_service_journal",
    "kdump_log",
    "system_log",
  ],
  "kexec.lockdown": [
    "lockdown",
    "mokutil_sb_state",
    "dmesg",
    "kdump_service_status",
    "kdump_service_journal",
    "kdump_log",
  ],
  "kexec.load-disabled": ["sysctl.kernel.kexec_load_disabled", "sysctl.kernel.kexec_load_limit_panic"],
  "crashkernel.size": [
    "kexec_crash_size",
    "iomem",
    "dmesg",
    "fadump_mem_reserved",
    "kdump_config_show",
    "kdumpctl_estimate",
    "kdumptool_calibrate",
  ],
  "crashkernel.low-region": [
    "cmdline",
    "kexec_crash_size",
    "iomem",
    "dmesg",
    "kdump_config_show",
    "fadump_mem_reserved",
  ],
  "crashkernel.pending-reboot": ["cmdline", "dmesg", "etc_default_grub", "etc_default_grub_d"],
  "kdump.kernel-links": ["kdump_config_show", "kdumpctl_estimate"],
  "dump-target.capacity": [
    "df_dump_dir",
    "meminfo",
    "iomem",
    "dmesg",
    "etc_default_kdump_tools",
    "kdump_config_show",
    "kdump_conf",
    "sysconfig_kdump",
  ],
  "panic.on-oops": [
    "sysctl.kernel.panic_on_oops",
    "sysctl.kernel.panic",
    "sysctl.kernel.softlockup_panic",
    "sysctl.kernel.hung_task_panic",
    "sysctl.kernel.unknown_nmi_panic",
    "sysctl.kernel.panic_on_warn",
    "sysctl.vm.panic_on_oom",
  ],
  "sysrq.keyboard-crash": ["sysctl.kernel.sysrq"],
  "crash.dumps": ["dump_dir_listing"],
  "kdump.service-state": [
    "kdump_service_status",
    "kdump_service_journal",
    "kdump_log",
    "system_log",
    "kexec_crash_loaded",
    "fadump_registered",
    "kdump_config_show",
    "kdumpctl_status",
  ],
  "collection.complete": "every",
};
