import type { ParseResult } from "../issue.ts";
import { type ConfigSetting, lastAssignments, settingOf } from "./config-setting.ts";
import { parseShellAssignments, type ShellAssignment } from "./shell-assignments.ts";
import type { ToolField } from "./text-lines.ts";

export interface KdumpToolsRemoteTarget {
  kind: "ssh" | "nfs" | "ftp";
  target: string;
  line: number;
  text: string;
}

export interface DefaultKdumpTools {
  assignments: ShellAssignment[];
  /** the USE_KDUMP assignment as written (null when absent) */
  useKdump: ToolField<string> | null;
  /** kdump-config loads only when USE_KDUMP is set, non-empty and not "0" (KT check_kdump_support) */
  enabled: boolean;
  /** default /var/crash */
  coredir: ConfigSetting;
  /** default 0 = keep every dump */
  numDumps: ConfigSetting;
  /** KDUMP_NUM_DUMPS as a number; null when not an integer */
  numDumpsCount: number | null;
  /** default: located by kdump-config (the template sets /var/lib/kdump/vmlinuz) */
  kernel: ConfigSetting;
  initrd: ConfigSetting;
  compression: ConfigSetting;
  kexecArgs: ConfigSetting;
  cmdlineAppend: ConfigSetting;
  /** removed in 2020; still found in old files */
  kdumpSysctl: ConfigSetting;
  ssh: ConfigSetting;
  /** default /root/.ssh/kdump_id_rsa */
  sshKey: ConfigSetting;
  nfs: ConfigSetting;
  nfsTimeo: ConfigSetting;
  nfsRetrans: ConfigSetting;
  ftp: ConfigSetting;
  ftpUser: ConfigSetting;
  /** whether FTP_PASSWORD is set; the value is never copied */
  ftpPasswordSet: boolean;
  ftpPort: ConfigSetting;
  /** default ip */
  hosttag: ConfigSetting;
  /** SSH / NFS / FTP targets that are set, in that order (kdump-config refuses SSH and NFS together) */
  remoteTargets: KdumpToolsRemoteTarget[];
}

/**
 * Parses /etc/default/kdump-tools, the shell file kdump-config sources (KT-x
 * `debian/kdump-tools.conf.in`; defaults from KT; domain.md §4.4). Sample:
 *
 *     USE_KDUMP=1
 *     KDUMP_COREDIR="/var/crash"
 *     #KDUMP_NUM_DUMPS=
 */
export function parseDefaultKdumpTools(text: string): ParseResult<DefaultKdumpTools> {
  const { value: parsed, issues } = parseShellAssignments(text);
  const last = lastAssignments(parsed.assignments);
  const use = last.get("USE_KDUMP");
  const numDumps = settingOf(last, "KDUMP_NUM_DUMPS", "0");
  const remoteTargets: KdumpToolsRemoteTarget[] = [];
  for (const kind of ["ssh", "nfs", "ftp"] as const) {
    const a = last.get(kind.toUpperCase());
    if (a && a.value !== "") remoteTargets.push({ kind, target: a.value, line: a.line, text: a.text });
  }
  const ftpPassword = last.get("FTP_PASSWORD");
  return {
    value: {
      assignments: parsed.assignments.map((a) => (a.name === "FTP_PASSWORD" ? redact(a) : a)),
      useKdump: use ? { line: use.line, text: use.text, value: use.value } : null,
      enabled: use !== undefined && use.value !== "" && use.value !== "0",
      coredir: settingOf(last, "KDUMP_COREDIR", "/var/crash"),
      numDumps,
      numDumpsCount: /^\d+$/.test(numDumps.value) ? Number(numDumps.value) : null,
      kernel: settingOf(last, "KDUMP_KERNEL"),
      initrd: settingOf(last, "KDUMP_INITRD"),
      compression: settingOf(last, "KDUMP_COMPRESSION"),
      kexecArgs: settingOf(last, "KDUMP_KEXEC_ARGS"),
      cmdlineAppend: settingOf(last, "KDUMP_CMDLINE_APPEND"),
      kdumpSysctl: settingOf(last, "KDUMP_SYSCTL"),
      ssh: settingOf(last, "SSH"),
      sshKey: settingOf(last, "SSH_KEY", "/root/.ssh/kdump_id_rsa"),
      nfs: settingOf(last, "NFS"),
      nfsTimeo: settingOf(last, "NFS_TIMEO", "600"),
      nfsRetrans: settingOf(last, "NFS_RETRANS", "3"),
      ftp: settingOf(last, "FTP"),
      ftpUser: settingOf(last, "FTP_USER"),
      ftpPasswordSet: ftpPassword !== undefined && ftpPassword.value !== "",
      ftpPort: settingOf(last, "FTP_PORT", "21"),
      hosttag: settingOf(last, "HOSTTAG", "ip"),
      remoteTargets,
    },
    issues,
  };
}

/** The FTP password must not travel as evidence. */
function redact(a: ShellAssignment): ShellAssignment {
  const hidden = "<redacted>";
  return { ...a, value: hidden, raw: hidden, text: `FTP_PASSWORD=${hidden}` };
}
