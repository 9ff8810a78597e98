import { readdir, stat } from "node:fs/promises";
import { errnoCode } from "../collect/source-error.ts";

/** Why `--root DIR` cannot be read as a capture, or null when it can. */
export async function checkRootDir(dir: string): Promise<string | null> {
  try {
    if (!(await stat(dir)).isDirectory()) return `--root ${dir}: not a directory`;
    await readdir(dir);
    return null;
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT") return `--root ${dir}: no such directory`;
    if (code === "EACCES" || code === "EPERM") return `--root ${dir}: permission denied`;
    return `--root ${dir}: cannot be read (${code ?? "error"})`;
  }
}

/** Why `--out DIR` cannot receive a capture (it must be absent or empty), or null when it can. */
export async function checkOutDir(dir: string): Promise<string | null> {
  try {
    if (!(await stat(dir)).isDirectory()) return `--out ${dir}: exists and is not a directory`;
    if ((await readdir(dir)).length > 0)
      return `--out ${dir}: exists and is not empty; choose a new directory`;
    return null;
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return null;
    return `--out ${dir}: cannot be used (${errnoCode(err) ?? "error"})`;
  }
}
