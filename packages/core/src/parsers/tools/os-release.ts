import type { ParseResult } from "../issue.ts";
import { lastAssignments } from "./config-setting.ts";
import { parseShellAssignments } from "./shell-assignments.ts";

export interface OsRelease {
  /** ID, lowercased, e.g. "ubuntu", "debian", "rhel", "sles" */
  id: string | null;
  /** ID_LIKE split on blanks, e.g. ["rhel", "fedora"] */
  idLike: string[];
  versionId: string | null;
  versionCodename: string | null;
  prettyName: string | null;
  name: string | null;
  /** every variable, as read */
  vars: Record<string, string>;
}

/**
 * Parses /etc/os-release (os-release(5): shell-compatible `KEY=value`, quotes optional). Sample:
 *
 *     PRETTY_NAME="Ubuntu 22.04.4 LTS"
 *     ID=ubuntu
 *     ID_LIKE=debian
 */
export function parseOsRelease(text: string): ParseResult<OsRelease> {
  const { value: parsed, issues } = parseShellAssignments(text);
  const last = lastAssignments(parsed.assignments);
  const get = (k: string) => {
    const v = last.get(k)?.value.trim();
    return v ? v : null;
  };
  const vars: Record<string, string> = {};
  for (const [k, a] of last) vars[k] = a.value;
  return {
    value: {
      id: get("ID")?.toLowerCase() ?? null,
      idLike: (get("ID_LIKE") ?? "").toLowerCase().split(/\s+/).filter(Boolean),
      versionId: get("VERSION_ID"),
      versionCodename: get("VERSION_CODENAME"),
      prettyName: get("PRETTY_NAME"),
      name: get("NAME"),
      vars,
    },
    issues,
  };
}
