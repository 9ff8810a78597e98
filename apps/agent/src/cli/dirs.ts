import { mkdir, readdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
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

/** What stands in the way of `--out DIR`: a usage error (64) or a directory that cannot be made (73). */
export type OutDirProblem = { kind: "usage" | "cantCreate"; message: string };

/** Why `--out DIR` cannot receive a capture (it must be absent or empty), or null when it can. */
export async function checkOutDir(dir: string): Promise<OutDirProblem | null> {
  try {
    if (!(await stat(dir)).isDirectory()) {
      return { kind: "usage", message: `--out ${dir}: exists and is not a directory` };
    }
    if ((await readdir(dir)).length > 0) {
      return { kind: "usage", message: `--out ${dir}: exists and is not empty; choose a new directory` };
    }
    return null;
  } catch (err) {
    if (errnoCode(err) === "ENOENT") return null;
    return { kind: "cantCreate", message: `--out ${dir}: cannot be used (${errnoCode(err) ?? "error"})` };
  }
}

/**
 * `mkdir -p DIR`, one level at a time, each tried at most twice. Not `mkdir(dir, { recursive: true })`:
 * on a path the kernel refuses with ENOENT although its parent exists (`/proc/nope`), Node's
 * recursive mkdir retries forever at 100 % CPU; here the second ENOENT is final.
 */
export async function makeOutDir(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "EEXIST" && (await stat(dir)).isDirectory()) return;
    const parent = dirname(dir);
    if (code !== "ENOENT" || parent === dir) throw err;
    await makeOutDir(parent);
    await mkdir(dir);
  }
}
