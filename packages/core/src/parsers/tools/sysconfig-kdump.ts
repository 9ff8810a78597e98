import type { ParseResult } from "../issue.ts";
import { type ConfigSetting, lastAssignments, settingOf } from "./config-setting.ts";
import { parseShellAssignments, type ShellAssignment } from "./shell-assignments.ts";

export interface SysconfigKdump {
  assignments: ShellAssignment[];
  /** SUSE when a SUSE-only key is present (KDUMP_SAVEDIR, KDUMP_CRASHKERNEL, …), EL when an EL key is */
  flavour: "suse" | "el" | "unknown";
  /**
   * SUSE `KDUMP_CRASHKERNEL`: a TOOL setting (kdumptool computes the kernel value; "auto" is its
   * default), never a kernel `crashkernel=` value — do not feed it to the kernel rules (trap 18).
   */
  toolCrashkernel: ConfigSetting;
  /** toolCrashkernel is "auto" (or unset on SUSE, whose default is "auto") */
  toolCrashkernelAuto: boolean;
  /** SUSE KDUMP_SAVEDIR, default /var/crash (may be a URL: file://, ssh://, nfs://, ftp://) */
  saveDir: ConfigSetting;
  /** SUSE KDUMP_KEEP_OLD_DUMPS (0 = keep all) */
  keepOldDumps: ConfigSetting;
  /** SUSE KDUMP_FREE_DISK_SIZE in MB (default 64) */
  freeDiskSize: ConfigSetting;
  /** SUSE KDUMP_FADUMP */
  fadump: ConfigSetting;
  /** EL KDUMP_COMMANDLINE_APPEND */
  commandlineAppend: ConfigSetting;
  /** EL KDUMP_COMMANDLINE_REMOVE */
  commandlineRemove: ConfigSetting;
  /** EL KEXEC_ARGS */
  kexecArgs: ConfigSetting;
}

const SUSE_KEYS = [
  "KDUMP_SAVEDIR",
  "KDUMP_CRASHKERNEL",
  "KDUMP_KEEP_OLD_DUMPS",
  "KDUMP_FREE_DISK_SIZE",
  "KDUMP_DUMPLEVEL",
];
const EL_KEYS = [
  "KDUMP_COMMANDLINE_APPEND",
  "KDUMP_COMMANDLINE_REMOVE",
  "KEXEC_ARGS",
  "KDUMP_IMG",
  "KDUMP_KERNELVER",
];

/**
 * Parses /etc/sysconfig/kdump of EL (INS `SysconfigKdump`) and SUSE (`openSUSE/kdump`
 * `sysconfig.kdump.in`); domain.md §5.1, §5.2. Sample:
 *
 *     KDUMP_CRASHKERNEL="auto"
 *     KDUMP_SAVEDIR="/var/crash"
 *     KDUMP_COMMANDLINE_APPEND="irqpoll nr_cpus=1 reset_devices"
 */
export function parseSysconfigKdump(text: string): ParseResult<SysconfigKdump> {
  const { value: parsed, issues } = parseShellAssignments(text);
  const last = lastAssignments(parsed.assignments);
  const suse = SUSE_KEYS.some((k) => last.has(k));
  const el = EL_KEYS.some((k) => last.has(k));
  const flavour = suse ? "suse" : el ? "el" : "unknown";
  const toolCrashkernel = settingOf(last, "KDUMP_CRASHKERNEL", flavour === "suse" ? "auto" : "");
  return {
    value: {
      assignments: parsed.assignments,
      flavour,
      toolCrashkernel,
      toolCrashkernelAuto: toolCrashkernel.value.trim().toLowerCase() === "auto",
      saveDir: settingOf(last, "KDUMP_SAVEDIR", flavour === "suse" ? "/var/crash" : ""),
      keepOldDumps: settingOf(last, "KDUMP_KEEP_OLD_DUMPS", flavour === "suse" ? "0" : ""),
      freeDiskSize: settingOf(last, "KDUMP_FREE_DISK_SIZE", flavour === "suse" ? "64" : ""),
      fadump: settingOf(last, "KDUMP_FADUMP", flavour === "suse" ? "false" : ""),
      commandlineAppend: settingOf(last, "KDUMP_COMMANDLINE_APPEND"),
      commandlineRemove: settingOf(last, "KDUMP_COMMANDLINE_REMOVE"),
      kexecArgs: settingOf(last, "KEXEC_ARGS"),
    },
    issues,
  };
}
