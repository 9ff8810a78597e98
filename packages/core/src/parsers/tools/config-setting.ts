import type { ShellAssignment } from "./shell-assignments.ts";

/** A config variable as the tool will see it: the file's value, else the tool's default. */
export interface ConfigSetting {
  /** effective value ("" when neither the file nor the tool sets one) */
  value: string;
  /** true when the file sets it; false when the default applies */
  fromFile: boolean;
  /** the assignment's line, null when the default applies */
  line: number | null;
  text: string | null;
}

/**
 * Resolves `NAME` against the last assignment in `vars`, falling back to `fallback` the way
 * `${NAME:=fallback}` does (an empty value also takes the default).
 */
export function settingOf(last: Map<string, ShellAssignment>, name: string, fallback = ""): ConfigSetting {
  const a = last.get(name);
  if (!a || a.value === "") return { value: fallback, fromFile: false, line: null, text: null };
  return { value: a.value, fromFile: true, line: a.line, text: a.text };
}

/** The last assignment of each variable, by name. */
export function lastAssignments(assignments: ShellAssignment[]): Map<string, ShellAssignment> {
  const m = new Map<string, ShellAssignment>();
  for (const a of assignments) m.set(a.name, a);
  return m;
}
