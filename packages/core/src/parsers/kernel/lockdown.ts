import type { ParseIssue, ParseResult } from "../issue.ts";

export const LOCKDOWN_LEVELS = ["none", "integrity", "confidentiality"] as const;
export type LockdownLevel = (typeof LOCKDOWN_LEVELS)[number];

export interface Lockdown {
  /** the level in brackets; null when the text shows none */
  active: LockdownLevel | null;
  /** the levels the file lists */
  levels: string[];
  /** integrity and confidentiality both refuse unsigned kexec images (LOCKDOWN_KEXEC, domain.md §6.2) */
  restrictsKexec: boolean | null;
}

function isLockdownLevel(s: string): s is LockdownLevel {
  return (LOCKDOWN_LEVELS as readonly string[]).includes(s);
}

/**
 * `/sys/kernel/security/lockdown` (security/lockdown/lockdown.c `lockdown_read()`): the levels
 * the kernel offers, the active one in brackets. Sample inputs (one per file):
 *
 *     none [integrity] confidentiality
 *     [none] integrity confidentiality
 *     none integrity [confidentiality]
 */
export function parseLockdown(text: string): ParseResult<Lockdown> {
  const s = typeof text === "string" ? text.slice(0, 4096).trim() : "";
  const issues: ParseIssue[] = [];
  const words = s === "" ? [] : s.split(/\s+/);
  let active: LockdownLevel | null = null;
  const levels: string[] = [];
  for (const w of words) {
    const m = /^\[(.*)\]$/.exec(w);
    const name = m ? (m[1] ?? "") : w;
    levels.push(name);
    if (!m) continue;
    if (isLockdownLevel(name)) active = name;
    else issues.push({ line: 1, code: "unknown-level", message: `unknown lockdown level [${name}]` });
  }
  if (active === null) issues.push({ code: "no-active-level", message: "no level in brackets" });
  return { value: { active, levels, restrictsKexec: active === null ? null : active !== "none" }, issues };
}
