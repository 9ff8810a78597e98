import { readdir } from "node:fs/promises";
import type { SourceResult } from "@kdumpwatch/core";
import { readFileCapped } from "./read-file.ts";
import { fromErrno } from "./source-error.ts";

/** The capture resolver's answer for one file (resolver.ts): its real path, or why it is not read. */
export type ResolveFile = (path: string) => Promise<string | SourceResult>;

/**
 * Every `*<suffix>` file of a directory, sorted by name (the order GRUB's `/etc/default/grub.d/*.cfg`
 * glob sources them), each preceded by a `# file: <real path>` line:
 *   # file: /etc/default/grub.d/kdump-tools.cfg
 *   GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"
 * `dir` is read, `labelDir` is what the header names (the real path, also inside a capture).
 * An existing directory without such files is an empty text, not an error. In a capture each file
 * goes through `resolve`: one whose link leads out of the capture makes the whole source an error
 * (a glob must not be a way around the resolver).
 */
export async function concatDirectory(
  dir: string,
  options: { suffix: string; labelDir: string; maxBytes: number; resolve?: ResolveFile },
): Promise<SourceResult> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(options.suffix)).sort();
  } catch (err) {
    return fromErrno(err, options.labelDir);
  }
  let text = "";
  let truncated = false;
  for (const name of names) {
    const room = options.maxBytes - Buffer.byteLength(text);
    if (room <= 0) {
      truncated = true;
      break;
    }
    const resolved = options.resolve
      ? await options.resolve(`${options.labelDir}/${name}`)
      : `${dir}/${name}`;
    if (typeof resolved !== "string") return resolved;
    const part = await readFileCapped(resolved, {
      maxBytes: room,
      label: `${options.labelDir}/${name}`,
    });
    if (!part.ok) continue; // a directory or unreadable file named *.cfg: GRUB would not source it either
    if (part.truncated) truncated = true;
    const body = part.text === "" || part.text.endsWith("\n") ? part.text : `${part.text}\n`;
    text += `# file: ${options.labelDir}/${name}\n${body}`;
  }
  return truncated ? { ok: true, text, truncated: true } : { ok: true, text };
}
