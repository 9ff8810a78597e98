/**
 * The agent's enroll key: `<stateDir>/enroll-key`, 32 random bytes (hex), mode 0600, made once
 * and never sent anywhere but in an enrollment `hello` (docs/security.md "Identity and lifecycle").
 * The server keeps its sha256 with the host record; when this host enrolls again (its welcome was
 * lost, its credential file removed) the key proves it is that host, so it gets its own record back.
 * Without it, an enrollment with an enrolled machine-id is only a suspected duplicate. Removing
 * the whole state directory is how an operator makes a machine enroll as a new host.
 */
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";

export const ENROLL_KEY_FILE = "enroll-key";

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The key in `stateDir`, made (mode 0600) when there is none. It is written whole to a file of this
 * process's own and then hard-linked into place: `link` fails with EEXIST when another agent process
 * got there first (then its key is used), and the name never shows a file still being written. An
 * exclusive create of the name itself did: a second process starting at the same moment read the
 * empty file and refused it as damaged (seen in the test suite, 3 workers).
 */
export async function loadOrCreateEnrollKey(stateDir: string): Promise<string> {
  const path = join(stateDir, ENROLL_KEY_FILE);
  const existing = await readKey(path);
  if (existing !== null) return existing;
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString("hex");
  const own = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    const file = await open(own, "wx", 0o600);
    try {
      await file.writeFile(`${key}\n`, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    await chmod(own, 0o600);
    await link(own, path);
  } catch (err) {
    // another agent process made it first: use theirs
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      const theirs = await readKey(path);
      if (theirs !== null) return theirs;
    }
    throw err;
  } finally {
    await unlink(own).catch(() => undefined);
  }
  return key;
}

async function readKey(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  const key = text.trim();
  if (!KEY_PATTERN.test(key))
    throw new Error(`${path} does not hold an enroll key (64 hex digits); remove it to make a new one`);
  return key;
}
