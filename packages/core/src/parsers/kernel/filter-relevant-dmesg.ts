import { stripDmesgPrefix } from "./dmesg-prefix.ts";
import { splitInputLines } from "./input-lines.ts";

/** What a kernel-side rule can need from the log; everything else stays home. */
const RELEVANT =
  /crashkernel|crahskernel|crash kernel|Memory value expected|kexec|kdump|fadump|lockdown|locked down|secure ?boot|Linux version|System RAM|^Memory: |Memory limited|^\s*node +\d+: \[mem |^BIOS-e820: \[mem [^\]]*\] usable|sysrq|panic|command line|PEFILE|signature verification/i;

export interface FilteredDmesg {
  /** the kept lines, unchanged, joined with `\n` */
  text: string;
  kept: number;
  dropped: number;
  /** relevant lines were left out to stay under the caps (the first and last ones are kept) */
  truncated: boolean;
}

export interface FilterDmesgOptions {
  /** most lines kept (default 2000: the first 1000 and the last 1000 relevant lines) */
  maxLines?: number;
  /** longest kept line, longer ones are cut (default 4096 characters) */
  maxLineChars?: number;
  /** most characters of output (default 256 KiB) */
  maxChars?: number;
}

/**
 * Keeps only the kernel log lines a kdumpwatch rule could use – crashkernel/kexec/kdump/fadump,
 * lockdown and Secure Boot, `Linux version`, System RAM / `Memory:`, sysrq and panic lines – so
 * the agent sends no unrelated log text. The boot memory map's RAM ranges (`node N: [mem …]`,
 * e820 `usable`) are kept too: they tell whether RAM exists above 4 GiB. Lines are kept verbatim (prefixes included) so
 * `parseDmesg` reads the result like the full log. Sample input:
 *
 *     [    0.000000] Linux version 6.18.0-8-generic (buildd@…) …      ← kept
 *     [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable   ← dropped
 *     [    0.004623] crashkernel reserved: 0x0000000060000000 - 0x0000000074000000 (320 MB)   ← kept
 *
 * Over the caps it keeps the first and the last relevant lines (boot-time reservation lines are
 * at the start of a boot, crash triggers at the end).
 */
export function filterRelevantDmesg(text: string, options: FilterDmesgOptions = {}): FilteredDmesg {
  const maxLines = Math.max(2, options.maxLines ?? 2000);
  const maxLineChars = Math.max(80, options.maxLineChars ?? 4096);
  const maxChars = Math.max(1024, options.maxChars ?? 256 * 1024);
  const { lines, truncated: inputCut } = splitInputLines(text, {
    maxChars: 64 * 1024 * 1024,
    maxLines: 1_000_000,
  });
  let kept: string[] = [];
  for (const line of lines) {
    if (RELEVANT.test(stripDmesgPrefix(line)))
      kept.push(line.length > maxLineChars ? line.slice(0, maxLineChars) : line);
  }
  const relevant = kept.length;
  let truncated = inputCut;
  if (kept.length > maxLines) {
    const head = Math.ceil(maxLines / 2);
    kept = [...kept.slice(0, head), ...kept.slice(kept.length - (maxLines - head))];
    truncated = true;
  }
  // character cap: drop from the middle, keeping the head and tail balanced
  let size = kept.reduce((n, l) => n + l.length + 1, 0);
  while (size > maxChars && kept.length > 1) {
    const mid = Math.floor(kept.length / 2);
    size -= (kept[mid] as string).length + 1;
    kept.splice(mid, 1);
    truncated = true;
  }
  if (size > maxChars && kept.length === 1) kept[0] = (kept[0] as string).slice(0, maxChars);
  return {
    text: kept.join("\n"),
    kept: kept.length,
    dropped: lines.length - kept.length,
    truncated: truncated || relevant > kept.length,
  };
}
