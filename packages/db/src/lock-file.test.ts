import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { DataDirLockedError, lockDataDir } from "./lock-file.ts";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "kdw-lock-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sleeper() {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  return child;
}

describe("data directory lock", () => {
  test("a second holder is refused with an error naming the directory and the holding pid", () => {
    const dir = tempDir();
    const first = lockDataDir(dir);
    let caught: unknown;
    try {
      lockDataDir(dir);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataDirLockedError);
    expect(String((caught as Error).message)).toContain(dir);
    expect(String((caught as Error).message)).toContain(String(process.pid));
    first.release();
    expect(existsSync(join(dir, "kdumpwatch.lock")), "release removes the lock file").toBe(false);
    lockDataDir(dir).release();
  });

  test("a lock held by another live process blocks, and is taken over once that process is killed", async () => {
    const dir = tempDir();
    const child = sleeper();
    const pid = child.pid!;
    writeFileSync(join(dir, "kdumpwatch.lock"), JSON.stringify({ pid, host: hostname() }));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const lock = lockDataDir(dir);
    const content = JSON.parse(readFileSync(join(dir, "kdumpwatch.lock"), "utf8"));
    expect(content.pid, "the lock now names this process").toBe(process.pid);
    lock.release();
  });

  test("a killed holder that its parent has not reaped yet (a zombie) does not block", async () => {
    const dir = tempDir();
    // a child of a parent that never waits for it: after SIGKILL it stays a zombie while the parent
    // sleeps. (Not `sh -c 'sleep 30 & echo $!; exec sleep 30'`: a kill that lands before the shell's
    // exec is reaped by the shell itself, and then there is no zombie to test.) perl is in every
    // Debian base system.
    const shell = spawn(
      "perl",
      ["-e", '$| = 1; my $p = fork(); if (!$p) { exec "sleep", "30" } print "$p\n"; sleep 30;'],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    const pid = Number(
      await new Promise<string>((resolve) => shell.stdout.once("data", (d) => resolve(String(d).trim()))),
    );
    writeFileSync(join(dir, "kdumpwatch.lock"), JSON.stringify({ pid, host: hostname() }));
    expect(() => lockDataDir(dir), "alive").toThrow(DataDirLockedError);
    process.kill(pid, "SIGKILL");
    await expect.poll(() => readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ")).toBe(true);
    lockDataDir(dir).release();
    shell.kill("SIGKILL");
  });

  test("a lock file naming this very pid but not taken by this process is left over and taken over", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "kdumpwatch.lock"), JSON.stringify({ pid: process.pid, host: hostname() }));
    const lock = lockDataDir(dir);
    lock.release();
  });

  test("a half-written lock file does not block forever", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "kdumpwatch.lock"), '{"pi');
    lockDataDir(dir).release();
  });

  test("a lock from another machine is respected even though its pid cannot be checked", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "kdumpwatch.lock"), JSON.stringify({ pid: 999_999, host: "other-machine" }));
    expect(() => lockDataDir(dir)).toThrow(/other-machine/);
  });
});
