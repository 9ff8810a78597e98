import type { ParseResult } from "../issue.ts";
import { parseShellAssignments, type ShellAssignment } from "./shell-assignments.ts";
import { splitLines } from "./text-lines.ts";

export interface GrubAssignment extends ShellAssignment {
  /** the file it came from: the latest `# file: <path>` marker above it, else options.file */
  file: string | null;
}

export interface GrubCrashkernelToken {
  /** the whole token, e.g. "crashkernel=512M-:192M" */
  token: string;
  /** what follows `crashkernel=` */
  value: string;
  /** `,high` / `,low` / `,cma` suffix, null for a plain token */
  suffix: "high" | "low" | "cma" | null;
  variable: "GRUB_CMDLINE_LINUX" | "GRUB_CMDLINE_LINUX_DEFAULT";
  /** the assignment that wrote the token (evidence) */
  line: number;
  text: string;
  file: string | null;
}

export interface GrubDefaults {
  /** paths of the `# file:` markers, in order */
  files: string[];
  /** assignments of `previous` (if given) then of this text, in sourcing order */
  assignments: GrubAssignment[];
  /** final variable values after all files */
  vars: Record<string, string>;
  /** the last GRUB_CMDLINE_LINUX assignment (null when never set) */
  cmdlineLinux: GrubAssignment | null;
  cmdlineLinuxDefault: GrubAssignment | null;
  /** `GRUB_CMDLINE_LINUX GRUB_CMDLINE_LINUX_DEFAULT`: what the next normal boot entry passes */
  cmdline: string;
  /** every token containing `crashkernel=` (case-sensitive, as the kernel looks), in cmdline order */
  crashkernelTokens: GrubCrashkernelToken[];
  /** the token the kernel will use (last plain one; else the last `,high` one), per domain.md §1.2 */
  effective: GrubCrashkernelToken | null;
}

export interface GrubDefaultsOptions {
  /** an earlier parse whose variables this text inherits (/etc/default/grub before grub.d/*.cfg) */
  previous?: GrubDefaults;
  /** file name for lines before the first `# file:` marker, e.g. "/etc/default/grub" */
  file?: string;
}

const MARKER = /^# file: (.+)$/;
type CmdlineVar = GrubCrashkernelToken["variable"];

/**
 * Parses /etc/default/grub, or the concatenated /etc/default/grub.d/*.cfg (source
 * `etc_default_grub_d`: each file preceded by `# file: <path>`), as grub-mkconfig sources them:
 * later files and later assignments win, `$GRUB_CMDLINE_LINUX_DEFAULT` expands to the value so
 * far. Gives the crashkernel= the NEXT boot will get (domain.md §4.5). Sample:
 *
 *     # file: /etc/default/grub.d/kdump-tools.cfg
 *     GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"
 *     GRUB_CMDLINE_LINUX=""
 */
export function parseGrubDefaults(
  text: string,
  options: GrubDefaultsOptions = {},
): ParseResult<GrubDefaults> {
  const prev = options.previous;
  const { value: parsed, issues } = parseShellAssignments(text, prev?.vars ?? {});
  const markers: Array<[number, string]> = [];
  for (const l of splitLines(text)) {
    const m = MARKER.exec(l.text.trim());
    if (m) markers.push([l.line, m[1]!.trim()]);
  }
  const fileAt = (line: number): string | null => {
    let f: string | null = options.file ?? null;
    for (const [at, path] of markers) if (at < line) f = path;
    return f;
  };
  const assignments: GrubAssignment[] = [
    ...(prev?.assignments ?? []),
    ...parsed.assignments.map((a) => ({ ...a, file: fileAt(a.line) })),
  ];
  const lastOf = (name: string) => assignments.filter((a) => a.name === name).at(-1) ?? null;
  const linux = parsed.vars.GRUB_CMDLINE_LINUX ?? "";
  const linuxDefault = parsed.vars.GRUB_CMDLINE_LINUX_DEFAULT ?? "";
  const tokens = [
    ...tokensOf(linux, "GRUB_CMDLINE_LINUX", assignments),
    ...tokensOf(linuxDefault, "GRUB_CMDLINE_LINUX_DEFAULT", assignments),
  ];
  return {
    value: {
      files: [...(prev?.files ?? []), ...markers.map(([, p]) => p)],
      assignments,
      vars: parsed.vars,
      cmdlineLinux: lastOf("GRUB_CMDLINE_LINUX"),
      cmdlineLinuxDefault: lastOf("GRUB_CMDLINE_LINUX_DEFAULT"),
      cmdline: `${linux} ${linuxDefault}`.trim(),
      crashkernelTokens: tokens,
      effective: effectiveOf(tokens),
    },
    issues,
  };
}

function tokensOf(
  value: string,
  variable: CmdlineVar,
  assignments: GrubAssignment[],
): GrubCrashkernelToken[] {
  const own = assignments.filter((a) => a.name === variable);
  const out: GrubCrashkernelToken[] = [];
  for (const token of value.split(/\s+/)) {
    const at = token.indexOf("crashkernel=");
    if (at < 0) continue;
    const v = token.slice(at + "crashkernel=".length);
    const suffix = /,(high|low|cma)$/.exec(v)?.[1] as GrubCrashkernelToken["suffix"] | undefined;
    const src = own.filter((a) => a.raw.includes(token)).at(-1) ?? own.at(-1);
    out.push({
      token,
      value: v,
      suffix: suffix ?? null,
      variable,
      line: src?.line ?? 0,
      text: src?.text ?? "",
      file: src?.file ?? null,
    });
  }
  return out;
}

/** Kernel rule (K-CR): last plain token wins; `,high` only when there is no plain one. */
function effectiveOf(tokens: GrubCrashkernelToken[]): GrubCrashkernelToken | null {
  return (
    tokens.filter((t) => t.suffix === null).at(-1) ?? tokens.filter((t) => t.suffix === "high").at(-1) ?? null
  );
}
