/**
 * Picks, from a whole system log of a capture, the lines one source stands for — verbatim, so every
 * evidence line core shows still occurs in the host's own file. Two picks:
 *
 *   "kdump"  the lines `journalctl -b -u kdump-tools` (EL/SUSE: `-u kdump`) would have shown: the
 *            kdump tools' own lines and systemd's lines about the kdump unit
 *   "kernel" the kernel's lines (the `kernel:` identifier), i.e. what `dmesg` would have shown
 *
 * and only from the LAST boot in the text: sos's `journalctl --no-pager` spans boots, separated by
 * `-- Boot <id> --` (systemd < 243: `-- Reboot --`); `/var/log/messages` and `/var/log/syslog` span
 * boots too, each starting with the kernel's `Linux version` line. A failure logged before the last
 * boot says nothing about the host now.
 *
 *     Oct 24 18:58:21 ip-172-31-18-67 kdumpctl[812]: No memory reserved for crash kernel.   ← kdump
 *     Oct 24 18:58:21 ip-172-31-18-67 systemd[1]: Failed to start Crash recovery kernel arming. ← kdump
 *     Oct 24 18:58:21 ip-172-31-18-67 systemd[1]: Failed to start Docker Storage Setup.     ← neither
 */
export type LogPick = "kdump" | "kernel";

export interface SelectedLog {
  text: string;
  /** the start of the last boot is in the text (a boot marker or the kernel's `Linux version` line) */
  bootStartSeen: boolean;
}

/**
 * Identifiers the kdump tools log under: kdump-tools, kdump-config, kdump_mem_estimator (Debian),
 * kdumpctl (EL), kdumptool, load.sh (SUSE), the unit name itself (`kdump.service[1360]:` when the
 * journal has no process name), and the initramfs builders they run.
 */
const KDUMP_IDENT = /^kdump(?!watch)/;
const KDUMP_HELPERS = new Set(["mkdumprd", "dracut", "load.sh", "unload.sh"]);
/** systemd's lines about a kdump unit name it or its description (kdump-tools, kdump-utils, SUSE kdump). */
const KDUMP_UNIT = /kdump|Crash recovery kernel arming|Kernel crash dump capture service/i;
const JOURNAL_BOOT = /^-- (?:Boot [0-9a-f]{32}|Reboot) --$/;
const LINUX_VERSION = /^Linux version \S/;
const WITH_PID = /^([^\s[\]:]+)\[\d+\]: ?/;
const TAG = /^([^\s[\]:]+): ?/;
const HOST_TAG = /^\S+\s+([^\s[\]:]+)(?:\[\d+\])?: ?/;
/** after a monotonic stamp a bare word and a colon is a message ("Command line:"), not host + ident */
const HOST_PID_TAG = /^\S+\s+(?:([^\s[\]:]+)\[\d+\]|(kernel)): ?/;

/** The identifier and message of one log line; `ident` null when the line has no syslog prefix. */
export function splitLogLine(line: string): { ident: string | null; message: string } {
  let s = line;
  const mono = /^\[\s*\d+\.\d+\]\s*/.exec(s);
  if (mono) s = s.slice(mono[0].length);
  // else a clock time (any month spelling, any locale; ISO with zone)
  const clock = mono ? null : /^.{0,32}?\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s+/.exec(s);
  if (clock) s = s.slice(clock[0].length);
  if (!mono && !clock) {
    // a log whose prefix was trimmed to `ident[pid]: ` (as posted, or `journalctl -o cat`-like)
    const bare = WITH_PID.exec(s);
    return bare
      ? { ident: bare[1] ?? null, message: s.slice(bare[0].length) }
      : { ident: null, message: line };
  }
  // then the host name (journalctl may leave it out) and `ident[pid]: ` or `ident: `
  const tag = clock
    ? (WITH_PID.exec(s) ?? HOST_TAG.exec(s))
    : (WITH_PID.exec(s) ?? HOST_PID_TAG.exec(s) ?? TAG.exec(s));
  if (!tag) return { ident: null, message: s };
  return { ident: tag[1] ?? tag[2] ?? null, message: s.slice(tag[0].length) };
}

function picked(pick: LogPick, line: string): boolean {
  const { ident, message } = splitLogLine(line);
  if (pick === "kernel") return ident === "kernel";
  if (ident === null) return /^\s*\[(?:FAILED|\s*OK\s*)\]/.test(message) && KDUMP_UNIT.test(message);
  if (KDUMP_IDENT.test(ident) || KDUMP_HELPERS.has(ident)) return true;
  return ident.startsWith("systemd") && KDUMP_UNIT.test(message);
}

function isBootStart(line: string): boolean {
  if (JOURNAL_BOOT.test(line.trim())) return true;
  const { ident, message } = splitLogLine(line);
  return ident === "kernel" && LINUX_VERSION.test(message.replace(/^\[\s*\d+\.\d+\]\s*/, ""));
}

/** The picked lines of the last boot, unchanged, each ending in `\n`. */
export function selectLogLines(text: string, pick: LogPick): SelectedLog {
  const lines = text.split("\n");
  let start = 0;
  let bootStartSeen = false;
  lines.forEach((line, i) => {
    if (isBootStart(line.replace(/\r$/, ""))) {
      start = JOURNAL_BOOT.test(line.trim()) ? i + 1 : i;
      bootStartSeen = true;
    }
  });
  const kept = lines.slice(start).filter((l) => l.trim() !== "" && picked(pick, l.replace(/\r$/, "")));
  return { text: kept.map((l) => `${l}\n`).join(""), bootStartSeen };
}
