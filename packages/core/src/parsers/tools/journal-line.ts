/**
 * Splits the prefix that journalctl / syslog / a console put before a message:
 *
 *     Jan 21 06:59:11 r-vm kdump-tools[5348]: Memory for crashkernel is not reserved
 *     [    6.200355] kdump-tools[708]: no crashkernel= parameter in the kernel cmdline ... failed!
 *     2024-01-21T06:59:11+0000 host kdumpctl[812]: kdump: kexec: loaded kdump kernel
 *     9月 17 16:52:18 localhost.localdomain kdumpctl[5822]: Starting kdump: [OK]
 *
 * Dates in every format of log-stamp.ts (ISO, RFC 3339, classic syslog in any locale). A line
 * without a recognisable prefix is returned whole as the message (raw command output).
 */
import { type LogStamp, readLogStamp } from "./log-stamp.ts";

export interface JournalLine {
  /** syslog identifier (`kdump-tools`, `kdumpctl`, `systemd`, `kernel`), null without a prefix */
  ident: string | null;
  /** the message after the prefix, untrimmed except for the one separating space */
  message: string;
  /** journal meta lines such as `-- Boot 1a2b… --`, `-- Reboot --` or `-- No entries --` */
  meta: boolean;
  /** `-- Boot <id> --` / `-- Reboot --`: a new boot starts after this line */
  bootMarker: boolean;
  /** the host name of a syslog line, null when absent */
  host: string | null;
  /** the leading timestamp, null when none */
  stamp: LogStamp | null;
  /** the kernel's own `[   76.247649]` inside a syslog copy of a kernel line (seconds since boot) */
  kmsgTime: number | null;
}

/** Lines longer than this are not split (they are never one of the messages looked for). */
const MAX_PREFIX_SCAN = 8192;
// SONiC-style rsyslog templates put the severity between host and ident (`host ERR kernel: …`)
const SEVERITY = "(?:(?:EMERG|ALERT|CRIT|ERR|ERROR|WARNING|WARN|NOTICE|INFO|DEBUG)\\s+)?";
const WITH_PID = new RegExp(`^(?:(\\S+)\\s+${SEVERITY})?([^\\s[\\]]+)\\[(\\d+)\\]:[ ]?`);
const NO_PID = new RegExp(`^(\\S+)\\s+${SEVERITY}([^\\s[\\]:]+):[ ]?`);
const KMSG_TIME = /^\[\s*(\d{1,10}\.\d{1,9})\]\s?/;
const BOOT_MARKER = /^-- (?:Boot [0-9a-f]{6,32}|Reboot) --$/;

export function splitJournalLine(text: string): JournalLine {
  const plain = {
    ident: null,
    message: text,
    meta: false,
    bootMarker: false,
    host: null,
    stamp: null,
    kmsgTime: null,
  };
  if (text.length > MAX_PREFIX_SCAN) return plain;
  const trimmed = text.trim();
  if (/^-- .* --$/.test(trimmed)) return { ...plain, meta: true, bootMarker: BOOT_MARKER.test(trimmed) };
  let s = text;
  // `[    6.200355] kdump-tools[708]: …` and `[ 6.2] kernel: …` (journalctl -o short-monotonic)
  let stamp = readLogStamp(s);
  if (stamp) s = s.slice(stamp.text.length);
  // a console prefix can precede a dated line, and a dated line can carry a kernel `[  0.1]`
  if (stamp?.kind === "monotonic") {
    const dated = readLogStamp(s);
    if (dated) {
      stamp = dated;
      s = s.slice(dated.text.length);
    }
  }
  const pid = WITH_PID.exec(s);
  if (pid && (stamp || pid[1] === undefined)) {
    return { ...plain, ident: pid[2]!, host: pid[1] ?? null, message: s.slice(pid[0].length), stamp };
  }
  if (stamp && stamp.kind !== "monotonic") {
    const np = NO_PID.exec(s);
    // syslog copies of kernel lines keep the kernel's own `[   76.247649] ` in the message
    if (np) {
      const rest = s.slice(np[0].length);
      const kmsg = KMSG_TIME.exec(rest);
      return {
        ...plain,
        ident: np[2]!,
        host: np[1]!,
        message: kmsg ? rest.slice(kmsg[0].length) : rest,
        stamp,
        kmsgTime: kmsg ? Number(kmsg[1]) : null,
      };
    }
  }
  return { ...plain, message: s, stamp };
}
