import { type ParseIssue, type ParseResult, parseIssue } from "../issue.ts";
import { fieldOf, splitLines, type ToolField } from "./text-lines.ts";

/** enabled / disabled / unsupported (no EFI variables: legacy BIOS boot) */
export type SecureBootState = "enabled" | "disabled" | "unsupported";

export interface MokutilSbState {
  /** null when no known line was found */
  state: ToolField<SecureBootState> | null;
  /** `SecureBoot validation is disabled in shim` was printed (shim does not verify) */
  shimValidationDisabled: boolean;
}

/**
 * Parses `mokutil --sb-state` (INS `MokUtilSbState`; domain.md §6.2). Sample:
 *
 *     SecureBoot enabled
 *     SecureBoot disabled
 *     EFI variables are not supported on this system
 */
export function parseMokutilSbState(text: string): ParseResult<MokutilSbState> {
  const issues: ParseIssue[] = [];
  let state: ToolField<SecureBootState> | null = null;
  let shimValidationDisabled = false;
  for (const src of splitLines(text)) {
    const s = src.text.trim();
    if (/^SecureBoot enabled$/i.test(s)) state = fieldOf(src, "enabled");
    else if (/^SecureBoot disabled$/i.test(s)) state = fieldOf(src, "disabled");
    else if (/^EFI variables are not supported on this system$/i.test(s)) state = fieldOf(src, "unsupported");
    else if (/^SecureBoot validation is disabled in shim$/i.test(s)) shimValidationDisabled = true;
  }
  if (!state) issues.push(parseIssue("no-state", "No SecureBoot state line"));
  return { value: { state, shimValidationDisabled }, issues };
}
