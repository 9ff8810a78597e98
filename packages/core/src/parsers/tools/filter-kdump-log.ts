import { splitJournalLine } from "./journal-line.ts";
import { splitLines } from "./text-lines.ts";

/** What parseSystemLog can use; everything else in a system log stays on the host. */
const RELEVANT =
  /kdump|kexec|crashkernel|crash kernel|fadump|dracut|mkdumprd|Crash recovery kernel arming|Kernel crash dump capture service|Linux version|ima: |avc: .*kexec|appraise_data|^-- (?:Boot [0-9a-f]+|Reboot) --$/i;

export interface FilteredLog {
  /** the kept lines, unchanged, joined with `\n` */
  text: string;
  kept: number;
  dropped: number;
  /** relevant lines were left out to stay under the caps (the LAST ones are kept) */
  truncated: boolean;
}

/**
 * Keeps the lines of a system log (`/var/log/messages`, `/var/log/syslog`, a whole-boot journal)
 * that parseSystemLog reads — kdump units, kdump programs, dracut, kernel boot markers and kexec
 * refusals, and the two kernel lines around a reboot whose kernel clock restarted — so the agent
 * sends no unrelated log text. Over the caps the last lines win: the
 * current boot is at the end. Sample input:
 *
 *     Oct 24 18:58:21 host systemd[1]: Starting Crash recovery kernel arming...   ← kept
 *     Oct 24 18:58:21 host sshd[901]: Accepted publickey for root                 ← dropped
 */
export function filterKdumpLog(
  text: string,
  options: { maxLines?: number; maxChars?: number } = {},
): FilteredLog {
  const maxLines = Math.max(2, options.maxLines ?? 2000);
  const maxChars = Math.max(1024, options.maxChars ?? 256 * 1024);
  const lines = splitLines(text);
  let kept: string[] = [];
  // a kernel clock that goes backwards marks a reboot (parseSystemLog reads it so): keep the last
  // kernel line of the old boot and the first of the new one
  let lastMono: number | null = null;
  let lastKernel: string | null = null;
  for (const { text: line } of lines) {
    if (line.length > 4096) continue;
    const kernel = splitJournalLine(line);
    if (kernel.kmsgTime !== null) {
      if (lastMono !== null && lastKernel !== null && kernel.kmsgTime + 1 < lastMono) {
        if (kept.at(-1) !== lastKernel) kept.push(lastKernel);
        kept.push(line);
      } else if (RELEVANT.test(line)) kept.push(line);
      lastMono = kernel.kmsgTime;
      lastKernel = line;
      continue;
    }
    if (RELEVANT.test(line)) kept.push(line);
  }
  const relevant = kept.length;
  if (kept.length > maxLines) kept = kept.slice(kept.length - maxLines);
  let size = kept.reduce((n, l) => n + l.length + 1, 0);
  let first = 0;
  while (size > maxChars && first < kept.length - 1) {
    size -= kept[first]!.length + 1;
    first++;
  }
  kept = kept.slice(first);
  return {
    text: kept.join("\n"),
    kept: kept.length,
    dropped: lines.length - kept.length,
    truncated: relevant > kept.length,
  };
}
