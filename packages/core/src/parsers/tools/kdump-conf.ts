import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import type { ConfigSetting } from "./config-setting.ts";
import { splitLines, type ToolLine } from "./text-lines.ts";

export interface KdumpConfOption extends ToolLine {
  key: string;
  /** the rest of the line, inline comment removed */
  value: string;
}

export interface KdumpConfTarget extends KdumpConfOption {
  /** raw device, NFS share, SSH destination, or a local filesystem (`ext4 UUID=…`) */
  kind: "raw" | "nfs" | "ssh" | "fs";
}

export interface KdumpConf {
  /** every active line, in order (repeatable keys such as `options` appear several times) */
  options: KdumpConfOption[];
  /** every target line; more than one is an error for kdumpctl (issue `multiple-targets`) */
  targets: KdumpConfTarget[];
  /** the first target; null = dump to `path` on the root filesystem */
  target: KdumpConfTarget | null;
  /** default /var/crash; relative to the target's filesystem when a target is set */
  path: ConfigSetting;
  /** default `makedumpfile -l --message-level 7 -d 31` */
  coreCollector: ConfigSetting;
  /** default /root/.ssh/kdump_id_rsa */
  sshKey: ConfigSetting;
  failureAction: ConfigSetting;
  finalAction: ConfigSetting;
  autoResetCrashkernel: ConfigSetting;
}

const FS_TYPES = new Set(["ext2", "ext3", "ext4", "xfs", "btrfs", "minix", "virtiofs"]);
const REPEATABLE = new Set(["options", "extra_modules", "extra_bins", "dracut_args", "blacklist"]);

/**
 * Parses /etc/kdump.conf of EL kexec-tools / kdump-utils (KU `gen-kdump-conf.sh`, `kdump.conf.5`;
 * INS `KDumpConf`; domain.md §5.1). Sample:
 *
 *     nfs 10.209.136.62:/kdumps
 *     path /var/crash    # relative to the NFS share
 *     core_collector makedumpfile -l --message-level 7 -d 31
 */
export function parseKdumpConf(text: string): ParseResult<KdumpConf> {
  const issues: ParseIssue[] = [];
  const options: KdumpConfOption[] = [];
  const targets: KdumpConfTarget[] = [];
  const seen = new Map<string, number>();
  for (const src of splitLines(text)) {
    const active = src.text.replace(/(^|\s)#.*$/, "").trim();
    if (active === "") continue;
    const m = /^(\S+)(?:\s+(.*))?$/.exec(active);
    if (!m) continue;
    const opt: KdumpConfOption = { line: src.line, text: src.text, key: m[1]!, value: (m[2] ?? "").trim() };
    options.push(opt);
    const kind = targetKind(opt);
    if (kind) targets.push({ ...opt, kind });
    else if (seen.has(opt.key) && !REPEATABLE.has(opt.key)) {
      issues.push(
        parseIssue(
          "duplicate-option",
          `${opt.key} is set again (first on line ${seen.get(opt.key)})`,
          src.line,
        ),
      );
    }
    if (!seen.has(opt.key)) seen.set(opt.key, src.line);
  }
  if (targets.length > 1) {
    issues.push(
      parseIssue(
        "multiple-targets",
        `More than one dump target (${targets.map((t) => t.key).join(", ")}); kdumpctl refuses this`,
        targets[1]!.line,
      ),
    );
  }
  const setting = (key: string, fallback = ""): ConfigSetting => {
    const o = options.filter((x) => x.key === key).at(-1);
    return o
      ? { value: o.value, fromFile: true, line: o.line, text: o.text }
      : { value: fallback, fromFile: false, line: null, text: null };
  };
  return {
    value: {
      options,
      targets,
      target: targets[0] ?? null,
      path: setting("path", "/var/crash"),
      coreCollector: setting("core_collector", "makedumpfile -l --message-level 7 -d 31"),
      sshKey: setting("sshkey", "/root/.ssh/kdump_id_rsa"),
      failureAction: setting("failure_action", ""),
      finalAction: setting("final_action", ""),
      autoResetCrashkernel: setting("auto_reset_crashkernel", ""),
    },
    issues,
  };
}

function targetKind(o: KdumpConfOption): KdumpConfTarget["kind"] | null {
  if (o.key === "raw") return "raw";
  if (o.key === "nfs" || o.key === "nfs4") return "nfs";
  if (o.key === "ssh") return "ssh";
  // `net` is the pre-RHEL7 spelling: `net user@host` (ssh) or `net host:/path` (nfs).
  if (o.key === "net") return o.value.includes("@") ? "ssh" : "nfs";
  if (FS_TYPES.has(o.key)) return "fs";
  return null;
}
