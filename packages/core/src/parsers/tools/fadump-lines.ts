import type { ParseResult } from "../issue.ts";
import { splitJournalLine } from "./journal-line.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

export interface FadumpLines {
  /** `fadump: Reserved …MB of memory …` (both kernel wordings) */
  reserved: (ToolLine & { bytes: number }) | null;
  /** `rtas fadump: Registration is successful!` / older `… registration is successful` */
  registered: ToolLine | null;
  /** `Firmware-assisted dump is active.`: this boot is the capture boot after a crash */
  active: ToolLine | null;
  /** registration or reservation failures, and "not supported on this hardware" */
  failures: ToolLine[];
}

const MB = 1024 * 1024;
// arch/powerpc/kernel/fadump.c fadump_reserve_mem(), newer and older pr_info formats:
//   fadump: Reserved 1024MB of memory at 0x00000040000000 (System RAM: 4096MB)
//   fadump: Reserved 512MB of memory at 512MB for firmware-assisted dump (System RAM: 8192MB)
const RESERVED =
  /^(?:fadump: )?Reserved (\d+)MB of memory at (?:0x[0-9a-fA-F]+|\d+MB)(?: for firmware-assisted dump)? \(System RAM: \d+MB\)/;
// platforms/pseries/rtas-fadump.c and powernv/opal-fadump.c: "Registration is successful!";
// fadump.c before the 2019 split: "firmware-assisted kernel dump registration is successful"
const REGISTERED =
  /^(?:(?:rtas|opal) fadump: Registration is successful!?|firmware-assisted kernel dump registration is successful)$/;
const ACTIVE = /^(?:(?:rtas |opal )?fadump: )?Firmware-assisted dump is active\.?$/;
const FAILURE =
  /^(?:(?:rtas |opal )?fadump: )?(?:Failed to register\b.*|Failed to register firmware-assisted kernel dump\b.*|Firmware-assisted dump is not supported on this hardware|Failed to reserve memory.*|Can't have holes in .* while registering fadump)$/;

/**
 * The firmware-assisted dump (ppc64) lines of a kernel log, in either kernel wording (see the
 * patterns). Complements the kernel parsers: fadump is recognised from its own lines so a fadump
 * host is never asked for a kexec capture kernel. Sample:
 *
 *     [    0.000000] fadump: Reserved 1024MB of memory at 0x00000040000000 (System RAM: 4096MB)
 *     [    1.084686] rtas fadump: Registration is successful!
 */
export function parseFadumpLines(text: string): ParseResult<FadumpLines> {
  const out: FadumpLines = { reserved: null, registered: null, active: null, failures: [] };
  for (const src of splitLines(text)) {
    if (src.text.length > 2048 || !/fadump|firmware-assisted/i.test(src.text)) continue;
    const message = splitJournalLine(src.text)
      .message.replace(/^\[\s*\d+\.\d+\]\s*/, "")
      .trim();
    const reserved = RESERVED.exec(message);
    if (reserved) out.reserved = { ...src, bytes: Number(reserved[1]) * MB };
    else if (REGISTERED.test(message)) out.registered = src;
    else if (ACTIVE.test(message)) out.active = src;
    else if (FAILURE.test(message)) out.failures.push(src);
  }
  return { value: out, issues: [] };
}
