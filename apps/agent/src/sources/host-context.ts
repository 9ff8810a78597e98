import { posix } from "node:path";
import type { HostContext } from "./reader.ts";

const DEFAULT_DUMP_DIR = "/var/crash";

/**
 * Where this host would write a dump, and which tooling it uses, from the configuration texts
 * (null when the file could not be read):
 *   /etc/default/kdump-tools   KDUMP_COREDIR="/var/crash"        (domain.md §4.4; shell syntax)
 *   /etc/kdump.conf            path /var/crash                    (domain.md §5.1)
 *   /etc/sysconfig/kdump       KDUMP_SAVEDIR="file:///var/crash" (SUSE; openSUSE/kdump sysconfig.kdump.in)
 * Debian's file wins, then kdump.conf (EL also has an /etc/sysconfig/kdump, without KDUMP_SAVEDIR);
 * a SUSE save dir that is not local (nfs://, ssh://, ftp://, cifs://) leaves /var/crash. The value only chooses what the collector lists and what
 * `df` is asked about, so anything that is not a plain absolute path falls back to /var/crash:
 * it is never passed to a shell, and core judges the configuration itself from the raw texts.
 */
export function deriveHostContext(
  kdumpTools: string | null,
  kdumpConf: string | null,
  sysconfigKdump: string | null = null,
): HostContext {
  if (kdumpTools !== null) {
    const dumpDir = cleanDir(lastShellAssignment(kdumpTools, "KDUMP_COREDIR"));
    return { family: "debian", dumpDir, dfTarget: dumpDir };
  }
  if (kdumpConf !== null) {
    const dumpDir = cleanDir(lastKdumpConfPath(kdumpConf));
    return { family: "el", dumpDir, dfTarget: dumpDir };
  }
  const saveDir = sysconfigKdump === null ? null : lastShellAssignment(sysconfigKdump, "KDUMP_SAVEDIR");
  const dumpDir = cleanDir(saveDir?.startsWith("file://") ? saveDir.slice("file://".length) : saveDir);
  return { family: "unknown", dumpDir, dfTarget: dumpDir };
}

/** The last uncommented `NAME=value` of a shell-style file, quotes removed; null when absent. */
function lastShellAssignment(text: string, name: string): string | null {
  let value: string | null = null;
  const pattern = new RegExp(`^\\s*(?:export\\s+)?${name}=(.*)$`);
  for (const line of text.split(/\r?\n/)) {
    const match = pattern.exec(line);
    if (!match) continue;
    let raw = (match[1] ?? "").trim();
    const quoted = /^(["'])(.*)\1/.exec(raw);
    if (quoted) raw = quoted[2] ?? "";
    else raw = raw.replace(/\s+#.*$/, "").trim();
    value = raw;
  }
  return value;
}

/** The last `path <dir>` directive of kdump.conf (inline `#` comments allowed); null when absent. */
function lastKdumpConfPath(text: string): string | null {
  let value: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*path\s+([^\s#]+)/.exec(line);
    if (match?.[1]) value = match[1];
  }
  return value;
}

function cleanDir(dir: string | null): string {
  if (dir === null || dir === "" || !dir.startsWith("/")) return DEFAULT_DUMP_DIR;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(dir)) return DEFAULT_DUMP_DIR;
  const normalized = posix.normalize(dir).replace(/\/+$/, "");
  return normalized === "" ? "/" : normalized;
}
