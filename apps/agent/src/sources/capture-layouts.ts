import type { LogPick } from "../collect/log-select.ts";
import {
  type FileReader,
  logLines,
  type Reader,
  type SectionReader,
  section,
  sectionTail,
} from "./reader.ts";

/**
 * Where real support bundles keep what the agent reads, besides the files at their real paths:
 *
 * - sos report: the system journal is collected by the `logs` plugin through `add_journal`
 *   (sos `report/plugins/logs.py`, `__init__.py`), named after the mangled command line —
 *   `journalctl --no-pager --boot` since sos 4.4, `--catalog` added from 3.6 to 4.3, the whole
 *   journal as `journalctl --no-pager`, `journalctl --all --this-boot --no-pager` in sos 3.2 —
 *   and `/var/log/messages*`, `/var/log/syslog*`, `/var/log/kern.log*` are copied;
 *   `systemctl status --all` comes from the `systemd` plugin.
 * - supportconfig (SUSE supportutils `bin/supportconfig`): flat files at the top of the archive —
 *   `crash.txt` (crash_info: `systemctl status kdump.service`, `kdumptool calibrate`,
 *   /proc/cmdline, /etc/sysconfig/kdump, /sys/kernel/kexec_crash_*, /sys/kernel/fadump/*,
 *   /var/log/kdump.log), `boot.txt` (boot_info: /proc/cmdline, /etc/default/grub,
 *   `mokutil --sb-state`, this boot's journal, `dmesg -T`), `basic-environment.txt` (uname -a,
 *   /etc/os-release), `memory.txt` (/proc/meminfo), `env.txt` (`sysctl -a`), `proc.txt` (every
 *   /proc/sys file), `messages.txt` (messages_file: /var/log/messages, or on a journal-only host
 *   `journalctl --no-pager --output=short-iso [--lines N]`), `systemd-status.txt` (systemd_info:
 *   `systemctl status '<unit>'` for every loaded service, the unit name in quotes). supportconfig
 *   runs no `kdumpctl` (SUSE has none) and no `kdump-config`.
 *
 * A whole log stands in for a narrower source through `select` (log-select.ts): the last boot's
 * kdump-unit lines for the service journal, its kernel lines for dmesg.
 */
const SOS_JOURNALS = [
  "sos_commands/logs/journalctl_--no-pager_--boot",
  "sos_commands/logs/journalctl_--no-pager_--catalog_--boot",
  "sos_commands/logs/journalctl_--all_--this-boot_--no-pager",
  "sos_commands/logs/journalctl_--no-pager",
] as const;

const SYSTEM_LOGS = ["/var/log/messages", "/var/log/syslog"] as const;

/** The journals and system logs of a sos report, narrowed to `pick`. */
export function sosLogs(pick: LogPick): FileReader[] {
  return [...SOS_JOURNALS, ...SYSTEM_LOGS].map((p) => logLines(p, pick));
}

/** The kdump unit's lines in sos's `systemctl status --all` (the last lines of each unit's log). */
export const sosSystemctlStatus = (): FileReader =>
  logLines("sos_commands/systemd/systemctl_status_--all", "kdump");

/** A file as supportconfig copied it (`conf_files`), from the first flat file that has it. */
export function supportconfigFile(path: string, ...files: [string, ...string[]]): SectionReader[] {
  return files.map((f) => section(f, "file", path));
}

/** A command's output as supportconfig logged it (`log_cmd`). */
export function supportconfigCommand(command: string, ...files: [string, ...string[]]): SectionReader[] {
  return files.map((f) => section(f, "command", command));
}

/** supportconfig's logs narrowed to `pick`: kdump status, this boot's journal, /var/log/messages. */
export function supportconfigLogs(pick: LogPick): SectionReader[] {
  const readers: SectionReader[] = [
    section("boot.txt", "command", "journalctl --boot=0 --no-pager --output=short-iso", pick),
    section("boot.txt", "command", "journalctl --no-pager --boot=0 --output=short-iso", pick),
    section("boot.txt", "command", "journalctl --no-pager --boot=0", pick),
    section("messages.txt", "file", "/var/log/messages", pick),
    section("messages.txt", "command", "journalctl --no-pager --output=short-iso", pick),
  ];
  if (pick === "kdump")
    readers.unshift(
      ...supportconfigServiceStatus().map((r) => section(r.path, "command", r.section.name, pick)),
    );
  else readers.push(section("boot.txt", "command", "dmesg -T"));
  return readers;
}

/** Capture readers of a /proc or /sys file copied by supportconfig's crash_info. */
export function crashInfoFile(path: string): Reader[] {
  return supportconfigFile(path, "crash.txt");
}

/**
 * The kdump unit's `systemctl status` in a supportconfig: crash_info's, else systemd_info's (which
 * quotes the unit name: `log_cmd $OF2 "systemctl status '$i'"`).
 */
export function supportconfigServiceStatus(): SectionReader[] {
  return [
    section("crash.txt", "command", "systemctl status kdump.service"),
    section("systemd-status.txt", "command", "systemctl status 'kdump.service'"),
  ];
}

/**
 * The system log in a supportconfig, whole for core's kdump-line filter: /var/log/messages
 * (messages_file copies it whole up to VAR_OPTION_MSG_MAXSIZE, 25 MiB by default, else its last
 * lines), or the journal messages_file logs on a host without it, else this boot's journal
 * (boot_info; `| tail -n 10000` by default). Logs keep their end when over the size cap.
 */
export function supportconfigSystemLog(): SectionReader[] {
  return [
    sectionTail("messages.txt", "file", "/var/log/messages"),
    sectionTail("messages.txt", "command", "journalctl --no-pager --output=short-iso"),
    sectionTail("boot.txt", "command", "journalctl --boot=0 --no-pager --output=short-iso"),
    sectionTail("boot.txt", "command", "journalctl --no-pager --boot=0 --output=short-iso"),
    sectionTail("boot.txt", "command", "journalctl --no-pager --boot=0"),
  ];
}
