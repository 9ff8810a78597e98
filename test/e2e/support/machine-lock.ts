/**
 * One packaging run at a time on this machine: the deb and Ansible tests install into system paths
 * and hold this lock for their whole file.
 */
import { type ChildProcess, spawn } from "node:child_process";

export const PACKAGING_LOCK = "/run/lock/kdumpwatch-deb-test.lock";

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
