/**
 * The fixed messages that kdump-config, kexec-tools and kdumpctl print (domain.md §4.2, §4.3,
 * §5.1), recognised whatever lsb `log_*_msg` style wrapped them:
 *
 *      * no crashkernel= parameter in the kernel cmdline              (Ubuntu)
 *     no crashkernel= parameter in the kernel cmdline ... failed!      (Debian)
 *     kdump: kexec: loaded kdump kernel                                (kdumpctl)
 */

import {
  KDUMP_TOOLS_MESSAGE_CODES,
  type KdumpToolsMessageCode,
  MESSAGE_RULES,
  type MessageSeverity,
} from "./kdump-message-rules.ts";

export type { KdumpToolsMessageCode };
export { KDUMP_TOOLS_MESSAGE_CODES };

/** How the message was wrapped: Ubuntu ` * msg`, Debian `msg ... failed!`, kdumpctl `kdump: msg`. */
export type MessageStyle = "ubuntu" | "debian" | "kdumpctl" | "plain";

export interface KdumpToolsMessage {
  code: KdumpToolsMessageCode;
  severity: MessageSeverity;
  /** the message without decoration (` * `, `... failed!`, `kdump: `) */
  message: string;
  style: MessageStyle;
  /** the variable part: errno text of kexec errors, a path, a kernel version; else null */
  detail: string | null;
}

/** Longer lines are never one of these messages; skipping them keeps hostile input linear. */
const MAX_MESSAGE_LENGTH = 2000;
const DEBIAN_ENDINGS = ["failed!", "done.", "(warning).", "(warning)"];

/** Splits the lsb / kdumpctl decoration from a message. */
export function undecorate(text: string): { message: string; style: MessageStyle; failedSuffix: boolean } {
  let s = text.trim();
  let style: MessageStyle = "plain";
  let failedSuffix = false;
  for (const end of DEBIAN_ENDINGS) {
    if (s.endsWith(end) && s.slice(0, -end.length).trimEnd().endsWith("...")) {
      failedSuffix = end === "failed!";
      s = s.slice(0, -end.length).trimEnd();
      break;
    }
  }
  if (s.endsWith("...") && s.length > 3) {
    s = s.slice(0, -3).trimEnd();
    style = "debian";
  }
  const tag = /^\[(?:FAIL|ok|warn|info|\.\.\.\.)\s*\]\s+/.exec(s);
  if (tag) {
    s = s.slice(tag[0].length);
    style = "debian";
  }
  if (s.startsWith("* ")) {
    s = s.slice(2).trim();
    style = "ubuntu";
  } else if (s.startsWith("kdump: ")) {
    s = s.slice(7).trim();
    style = "kdumpctl";
  }
  return { message: s, style, failedSuffix };
}

/** Recognises one message line; null when it is not one of the known messages. */
export function classifyKdumpToolsMessage(text: string): KdumpToolsMessage | null {
  if (text.length > MAX_MESSAGE_LENGTH) return null;
  const { message, style } = undecorate(text);
  for (const [re, code, severity] of MESSAGE_RULES) {
    const m = re.exec(message);
    if (m) return { code, severity, message, style, detail: m[1] ?? null };
  }
  return null;
}
