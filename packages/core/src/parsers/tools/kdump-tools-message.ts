/**
 * The fixed messages that kdump-config, kexec-tools and kdumpctl print (domain.md §4.2, §4.3,
 * §5.1), recognised whatever lsb `log_*_msg` style wrapped them:
 *
 *      * no crashkernel= parameter in the kernel cmdline              (Ubuntu)
 *     no crashkernel= parameter in the kernel cmdline ... failed!      (Debian)
 *     kdump: kexec: loaded kdump kernel                                (kdumpctl)
 */

export const KDUMP_TOOLS_MESSAGE_CODES = [
  "use-kdump-not-set",
  "kdump-not-supported",
  "no-crashkernel-param",
  "fadump-not-configured",
  "fadump-hint",
  "ssh-and-nfs",
  "invalid-symlink",
  "kdump-kernel-missing",
  "kdump-initrd-missing",
  "relocation-mismatch",
  "creating-symlink",
  "symlinks-locked",
  "kernel-hook-missing",
  "invalid-kernel-version",
  "loaded",
  "load-failed",
  "unloaded",
  "unload-failed",
  "fadump-registered",
  "fadump-register-failed",
  "panic-trigger-not-set",
  "usage",
  "kexec-file-load-failed",
  "kexec-load-failed",
  "kexec-file-load-unavailable",
  "kexec-cannot-load",
  "kexec-no-free-area",
  "key-rejected",
  "memory-not-reserved",
  "memory-not-reserved-hint",
  "lockdown",
  "start-ok",
  "start-failed",
  "already-running",
  "stop-ok",
  "operational",
  "not-operational",
  "vmcore-saved",
  "vmcore-save-failed",
] as const;
export type KdumpToolsMessageCode = (typeof KDUMP_TOOLS_MESSAGE_CODES)[number];

/** How the message was wrapped: Ubuntu ` * msg`, Debian `msg ... failed!`, kdumpctl `kdump: msg`. */
export type MessageStyle = "ubuntu" | "debian" | "kdumpctl" | "plain";

export interface KdumpToolsMessage {
  code: KdumpToolsMessageCode;
  severity: "error" | "warning" | "info";
  /** the message without decoration (` * `, `... failed!`, `kdump: `) */
  message: string;
  style: MessageStyle;
  /** the variable part: errno text of kexec errors, a path, a kernel version; else null */
  detail: string | null;
}

type Rule = [RegExp, KdumpToolsMessageCode, KdumpToolsMessage["severity"]];

// Order matters: the first match wins. Patterns are anchored on the undecorated message.
const RULES: Rule[] = [
  [/USE_KDUMP is not set or zero$/, "use-kdump-not-set", "error"],
  [/^kdump is not supported (?:by|on) this kernel\.?$/i, "kdump-not-supported", "error"],
  [/^no crashkernel= parameter in the kernel cmdline$/, "no-crashkernel-param", "error"],
  [/^fadump is not configured in this kernel\.?$/, "fadump-not-configured", "error"],
  [/^Try passing "fadump=on" to enable fadump$/, "fadump-hint", "info"],
  [/^\$SSH and \$NFS cannot be defined concurrently$/, "ssh-and-nfs", "error"],
  [/^Invalid symlink : (.*)$/, "invalid-symlink", "warning"],
  [/KDUMP_KERNEL does not exist: (.*)$/, "kdump-kernel-missing", "error"],
  [/KDUMP_INITRD does not exist: (.*)$/, "kdump-initrd-missing", "error"],
  [/^kdump kernel relocation address does not match crashkernel parameter$/, "relocation-mismatch", "error"],
  [/^Creating symlink (.*)$/, "creating-symlink", "info"],
  [/^Cannot change symbolic links when kdump is loaded$/, "symlinks-locked", "warning"],
  [/^Unable to locate kernel hook$/, "kernel-hook-missing", "error"],
  [/^Invalid kernel version : (.*)$/, "invalid-kernel-version", "error"],
  [/^(?:kexec: )?loaded kdump kernel$/, "loaded", "info"],
  [/^(?:kexec: )?failed to load kdump kernel$/, "load-failed", "error"],
  [/^unloaded kdump kernel$/, "unloaded", "info"],
  [/^failed to unload kdump kernel$/, "unload-failed", "error"],
  [/^fadump registered successfully$/, "fadump-registered", "info"],
  [/^fadump registering failed$/, "fadump-register-failed", "error"],
  [/couldn't set panic trigger/, "panic-trigger-not-set", "warning"],
  [/^Usage: .*kdump-config /, "usage", "error"],
  [/^kexec_file_load failed: (.*)$/, "kexec-file-load-failed", "error"],
  [/^kexec_load failed: (.*)$/, "kexec-load-failed", "error"],
  [/^syscall kexec_file_load not available/, "kexec-file-load-unavailable", "warning"],
  [/^Cannot load (.*)$/, "kexec-cannot-load", "error"],
  [/^Could not find a free area of memory/, "kexec-no-free-area", "error"],
  [/^Key was rejected by service$/, "key-rejected", "error"],
  [/^Memory for crashkernel is not reserved$/, "memory-not-reserved", "error"],
  [/^No memory reserved for crash kernel\.?$/, "memory-not-reserved", "error"],
  [/^Please reserve memory by passing ?"crashkernel=/, "memory-not-reserved-hint", "info"],
  [/^Then try to loading kdump kernel$/, "memory-not-reserved-hint", "info"],
  [/^Lockdown: (.*)$/, "lockdown", "error"],
  [/^Starting kdump: \[OK\]$/, "start-ok", "info"],
  [/^Starting kdump: \[FAILED\]$/, "start-failed", "error"],
  [/^Kdump already running: \[WARNING\]$/, "already-running", "info"],
  [/^Stopping kdump: \[OK\]$/, "stop-ok", "info"],
  [/^Kdump is operational$/, "operational", "info"],
  [/^Kdump is not operational$/, "not-operational", "error"],
  [/saved vmcore in (.*)$/, "vmcore-saved", "info"],
  [/failed to save vmcore in (.*)$/, "vmcore-save-failed", "error"],
];

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
  for (const [re, code, severity] of RULES) {
    const m = re.exec(message);
    if (m) return { code, severity, message, style, detail: m[1] ?? null };
  }
  return null;
}
