/**
 * Splits the prefix that journalctl / syslog / a console put before a message:
 *
 *     Jan 21 06:59:11 r-vm kdump-tools[5348]: Memory for crashkernel is not reserved
 *     [    6.200355] kdump-tools[708]: no crashkernel= parameter in the kernel cmdline ... failed!
 *     2024-01-21T06:59:11+0000 host kdumpctl[812]: kdump: kexec: loaded kdump kernel
 *
 * A line without a recognisable prefix is returned whole as the message (raw command output).
 */
export interface JournalLine {
  /** syslog identifier (`kdump-tools`, `kdumpctl`, `systemd`, `kernel`), null without a prefix */
  ident: string | null;
  /** the message after the prefix, untrimmed except for the one separating space */
  message: string;
  /** journal meta lines such as `-- Boot 1a2b… --` or `-- No entries --` */
  meta: boolean;
}

/** Lines longer than this are not split (they are never one of the messages looked for). */
const MAX_PREFIX_SCAN = 8192;
const MONO = /^\[\s*\d+\.\d+\]\s*/;
const STAMP =
  /^(?:[A-Z][a-z]{2} )?(?:[A-Z][a-z]{2}\s+\d{1,2}\s+|\d{4}-\d{2}-\d{2}[ T])\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s+(?:[A-Z]{2,5}\s+)?/;
const WITH_PID = /^(?:(\S+)\s+)?([^\s[\]]+)\[(\d+)\]:[ ]?/;
const NO_PID = /^\S+\s+([^\s[\]:]+):[ ]?/;

export function splitJournalLine(text: string): JournalLine {
  if (text.length > MAX_PREFIX_SCAN) return { ident: null, message: text, meta: false };
  if (/^-- .* --$/.test(text.trim())) return { ident: null, message: text, meta: true };
  let s = text;
  const mono = MONO.exec(s);
  if (mono) s = s.slice(mono[0].length);
  const stamp = STAMP.exec(s);
  if (stamp) s = s.slice(stamp[0].length);
  const pid = WITH_PID.exec(s);
  if (pid && (stamp || mono || pid[1] === undefined)) {
    return { ident: pid[2]!, message: s.slice(pid[0].length), meta: false };
  }
  if (stamp) {
    const np = NO_PID.exec(s);
    if (np) return { ident: np[1]!, message: s.slice(np[0].length), meta: false };
  }
  return { ident: null, message: s, meta: false };
}
