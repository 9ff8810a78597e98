/**
 * `node:fs/promises` for the bundle (build.mjs redirects the import here): Node 10 and 12 have no
 * `fs/promises` module, only `require("fs").promises`, and no `rm` before 14.14. Every function the
 * agent imports from `node:fs/promises` must be exported here, or the build fails ("No matching
 * export"); that is the guard. Types are node's own, so call sites compile unchanged.
 */
import * as fs from "node:fs";
import type * as FsPromises from "node:fs/promises";

const p = fs.promises;

export const access: typeof FsPromises.access = p.access;
export const chmod: typeof FsPromises.chmod = p.chmod;
export const link: typeof FsPromises.link = p.link;
export const lstat: typeof FsPromises.lstat = p.lstat;
export const mkdir: typeof FsPromises.mkdir = p.mkdir;
export const open: typeof FsPromises.open = p.open;
export const readdir: typeof FsPromises.readdir = p.readdir;
export const readFile: typeof FsPromises.readFile = p.readFile;
export const readlink: typeof FsPromises.readlink = p.readlink;
export const realpath: typeof FsPromises.realpath = p.realpath;
export const rename: typeof FsPromises.rename = p.rename;
export const stat: typeof FsPromises.stat = p.stat;
export const symlink: typeof FsPromises.symlink = p.symlink;
export const unlink: typeof FsPromises.unlink = p.unlink;
export const utimes: typeof FsPromises.utimes = p.utimes;
export const writeFile: typeof FsPromises.writeFile = p.writeFile;

/**
 * `rm` of one file (Node ≥ 14.14 has it built in and gets it). The fallback removes files only:
 * the agent never removes a directory tree.
 */
export const rm: typeof FsPromises.rm =
  typeof (p as Partial<typeof p>).rm === "function" ? p.rm : (path, options) => removeFile(path, options);

async function removeFile(path: fs.PathLike, options?: fs.RmOptions): Promise<void> {
  try {
    await p.unlink(path);
  } catch (err) {
    if (options?.force === true && (err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
}
