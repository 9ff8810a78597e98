import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

/**
 * PGlite has no cross-process lock: two processes on one data directory silently lose writes
 * (docs/stack.md §6). This pid file keeps a second process out. A lock left behind by a killed
 * process (its pid no longer alive on this machine) is taken over, so a restart after SIGKILL works.
 */
export class DataDirLockedError extends Error {
  readonly pid: number;
  constructor(dir: string, pid: number, holder: string) {
    super(
      `KDUMPWATCH_DATA_DIR ${dir} is in use by process ${pid} on ${holder}; stop that process, ` +
        "or give this one another KDUMPWATCH_DATA_DIR or a DATABASE_URL",
    );
    this.name = "DataDirLockedError";
    this.pid = pid;
  }
}

export interface DirLock {
  readonly path: string;
  release(): void;
}

interface LockContent {
  pid: number;
  host: string;
}

function readLock(path: string): LockContent | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof parsed === "object" && parsed !== null && "pid" in parsed && typeof parsed.pid === "number") {
      const host = "host" in parsed && typeof parsed.host === "string" ? parsed.host : "";
      return { pid: parsed.pid, host };
    }
  } catch {
    // unreadable or half-written: treated as abandoned below
  }
  return null;
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/** A killed process not yet reaped by its parent still answers kill(pid, 0) (Linux /proc). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) S ...": the state follows the last ")" (comm may itself contain parentheses)
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return false;
  }
}

/** Lock files held by this process: a file naming our own pid but not in here is left over from an
 * earlier process that had the same pid (pid 1 in a container restarted after SIGKILL). */
const heldHere = new Set<string>();

/** Takes `<dir>/kdumpwatch.lock` or throws DataDirLockedError. */
export function lockDataDir(dir: string, fileName = "kdumpwatch.lock"): DirLock {
  const path = `${dir}/${fileName}`;
  const me = hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: me }));
      closeSync(fd);
      let released = false;
      heldHere.add(path);
      return {
        path,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(path);
          const current = readLock(path);
          if (current?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readLock(path);
    // a lock from another machine (shared volume) cannot be checked: respect it
    const ownStale = holder?.pid === process.pid && !heldHere.has(path);
    if (holder && !ownStale && (holder.host !== me || isProcessAlive(holder.pid))) {
      throw new DataDirLockedError(dir, holder.pid, holder.host || "unknown host");
    }
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  const holder = readLock(path);
  throw new DataDirLockedError(dir, holder?.pid ?? -1, holder?.host ?? "unknown host");
}
