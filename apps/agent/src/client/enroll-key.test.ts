import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ENROLL_KEY_FILE, loadOrCreateEnrollKey } from "./enroll-key.ts";

const made: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "kdw-key-"));
  made.push(dir);
  return dir;
};
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("enroll key", () => {
  test("is made once with mode 0600 and read back unchanged", async () => {
    const dir = join(await tempDir(), "state");
    const key = await loadOrCreateEnrollKey(dir);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(((await stat(join(dir, ENROLL_KEY_FILE))).mode & 0o777).toString(8)).toBe("600");
    expect(await loadOrCreateEnrollKey(dir), "the same key on the next start").toBe(key);
    expect((await readFile(join(dir, ENROLL_KEY_FILE), "utf8")).trim()).toBe(key);
  });

  test("two agents starting together agree on one key", async () => {
    const dir = await tempDir();
    const [a, b] = await Promise.all([loadOrCreateEnrollKey(dir), loadOrCreateEnrollKey(dir)]);
    expect(a).toBe(b);
  });

  test("the key file is never seen half written: while one agent makes it, a reader finds no file or the whole key", async () => {
    for (let round = 0; round < 20; round++) {
      const dir = join(await tempDir(), "state");
      const path = join(dir, ENROLL_KEY_FILE);
      const seen = new Set<string>();
      let done = false;
      const making = loadOrCreateEnrollKey(dir).finally(() => {
        done = true;
      });
      while (!done) {
        seen.add(await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => err.code ?? "error"));
      }
      const key = await making;
      seen.delete("ENOENT");
      seen.delete(`${key}\n`);
      expect([...seen], `round ${round}: what a reader saw besides no file and the key`).toEqual([]);
      expect(await readdir(dir), "only the key file is left").toEqual([ENROLL_KEY_FILE]);
    }
  });

  test("a damaged key file is an error naming the file, never silently replaced", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, ENROLL_KEY_FILE), "not a key\n");
    await expect(loadOrCreateEnrollKey(dir)).rejects.toThrow(join(dir, ENROLL_KEY_FILE));
  });
});
