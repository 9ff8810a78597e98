/**
 * One section of a supportconfig flat file (SUSE supportutils `bin/supportconfig.rc`: `log_cmd`,
 * `conf_files`, `log_files`). Each section is a banner, a line naming what follows, then the text:
 *
 *     #==[ Command ]======================================#
 *     # /usr/bin/systemctl status kdump.service
 *     ● kdump.service - Load kdump kernel and initrd
 *
 *     #==[ Configuration File ]===========================#
 *     # /proc/cmdline
 *     BOOT_IMAGE=/boot/vmlinuz-6.4.0-150600.23.25-default root=UUID=… crashkernel=512M
 *
 * A command is named by its argv with the program's path resolved (`# /usr/bin/systemctl …`), a
 * file by its path, a tailed log as `# /var/log/messages - Last 2500 Lines`, an absent file as
 * `# /etc/kdump.conf - File not found`, a command that is not installed by its bare argv followed by
 * `ERROR: Command not found or not executable` (`_log_cmd`). `conf_files` drops comment and blank lines (unless run with
 * `-l`) — the text is what supportconfig kept, not the whole file.
 */
export interface SectionName {
  /** "command": matched on the argv after the program's directory; "file": on the path */
  kind: "command" | "file";
  name: string;
}

export interface Section {
  text: string;
  /** `_log_cmd` found no such program: the tool is not installed */
  notFound?: true;
  /** the section holds only the last lines of the file or command output */
  truncated: boolean;
}

const BANNER = /^#==\[ .* \]=+#\s*$/;
/** what `_log_cmd` prints instead of the output of a program it cannot find (supportconfig.rc) */
const NOT_FOUND = "ERROR: Command not found or not executable";

/** The last section of `text` with that name; null when there is none or it says "File not found". */
export function extractSection(text: string, wanted: SectionName): Section | null {
  const lines = text.split(/\r?\n/);
  let found: Section | null = null;
  for (let i = 0; i < lines.length - 1; i++) {
    if (!BANNER.test(lines[i] ?? "")) continue;
    const header = lines[i + 1] ?? "";
    if (!header.startsWith("# ")) continue;
    const named = matchHeader(header.slice(2).trimEnd(), wanted);
    if (named === null) continue;
    let end = i + 2;
    while (end < lines.length && !BANNER.test(lines[end] ?? "")) end++;
    const body = lines.slice(i + 2, end);
    while (body.length > 0 && (body[body.length - 1] ?? "").trim() === "") body.pop();
    found =
      named === "missing"
        ? null
        : {
            text: body.map((l) => `${l}\n`).join(""),
            truncated: named === "tail",
            ...(wanted.kind === "command" && body[0] === NOT_FOUND ? { notFound: true as const } : {}),
          };
    i = end - 1;
  }
  return found;
}

function matchHeader(header: string, wanted: SectionName): "whole" | "tail" | "missing" | null {
  if (wanted.kind === "file") {
    if (header === wanted.name) return "whole";
    if (header === `${wanted.name} - File not found`) return "missing";
    if (new RegExp(`^${escapeRegExp(wanted.name)} - Last \\d+ Lines$`).test(header)) return "tail";
    return null;
  }
  // "/usr/bin/systemctl status kdump.service" names the command "systemctl status kdump.service"
  const argv = header.split(" ");
  const program = (argv[0] ?? "").replace(/^.*\//, "");
  const command = [program, ...argv.slice(1)].join(" ");
  if (command === wanted.name) return "whole";
  // `… | tail -n N` (boot_info's journal) and journalctl's own `--lines N` (messages_file without
  // /var/log/messages) keep only the last lines
  if (command.startsWith(`${wanted.name} | tail -n `)) return "tail";
  if (new RegExp(`^${escapeRegExp(wanted.name)} --lines \\d+$`).test(command)) return "tail";
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
