/**
 * One packaging run at a time on this machine: the deb and Ansible tests install into system paths
 * and hold this lock for their whole file.
 */
import { type ChildProcess, spawn } from "node:child_process";

export const PACKAGING_LOCK = "/run/lock/kdumpwatch-deb-test.lock";

/**
 * How long a file waits for the lock: the other holder's whole file. The e2e files run side by side,
 * so packaging-deb can start while ansible-role holds the lock (or the reverse), and on a loaded
 * 2-core machine ansible-role took 200 s; the wait ends as soon as the holder is done.
 */
export const PACKAGING_LOCK_WAIT_SECONDS = 600;

/**
 * Holds an flock on `path` until the returned process is killed. One process (the shell becomes
 * `sleep` with the locked descriptor), so killing it releases the lock; resolves once it is held.
 */
export async function holdLock(path: string, waitSeconds: number): Promise<ChildProcess> {
  const holder = spawn(
    "sh",
    ["-c", `exec 9>>${path} && flock -w ${waitSeconds} 9 && echo held && exec sleep 3600`],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  await new Promise<void>((res, rej) => {
    holder.stdout?.once("data", () => res());
    holder.once("exit", (code) =>
      rej(new Error(`flock ${path}: not held within ${waitSeconds} s (exit ${code})`)),
    );
  });
  return holder;
}
