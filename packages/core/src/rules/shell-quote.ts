/**
 * Host text is data, never code: every host-derived string (a dump directory, a path, a device,
 * a kernel version) placed into a remediation command goes through `shellQuote`, so the command
 * an operator copies runs with exactly that one argument whatever the string holds — spaces,
 * quotes, `$(…)`, backquotes, globs, newlines. POSIX sh quoting (XCU 2.2.2): inside single quotes
 * nothing is special; a single quote itself is written as `'\''`.
 */

/** Characters that never need quoting in a POSIX shell word. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word that the shell parses back to exactly `text` (NUL cannot be in an argument). */
export function shellQuote(text: string): string {
  if (SAFE.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A command line from a program name and host-derived arguments, each quoted. */
export function shellCommand(program: string, ...args: readonly string[]): string {
  return [program, ...args.map(shellQuote)].join(" ");
}
