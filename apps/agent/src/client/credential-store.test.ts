import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CREDENTIAL_FILE, CredentialFileError, createFileCredentialStore } from "./credential-store.ts";

const made: string[] = [];
/** A new directory under the OS temp dir, removed after the file's tests. */
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kdw-cred-"));
  made.push(dir);
  return dir;
}
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("file credential store", () => {
  test("has no credential in a fresh state directory", async () => {
    await expect(createFileCredentialStore(await tempDir()).load()).resolves.toBeNull();
  });

  test("saves with mode 0600, leaves no temporary file, and loads it back", async () => {
    const dir = join(await tempDir(), "nested", "state");
    const store = createFileCredentialStore(dir);
    await store.save({ hostId: "h-1", secret: "s1" });
    await store.save({ hostId: "h-2", secret: "s2" });
    const mode = (await stat(join(dir, CREDENTIAL_FILE))).mode & 0o777;
    expect(mode.toString(8)).toBe("600");
    expect((await stat(dir)).mode & 0o077, "the state directory is private").toBe(0);
    expect(await readdir(dir)).toEqual([CREDENTIAL_FILE]);
    expect(JSON.parse(await readFile(join(dir, CREDENTIAL_FILE), "utf8"))).toEqual({
      hostId: "h-2",
      secret: "s2",
    });
    await expect(createFileCredentialStore(dir).load()).resolves.toEqual({ hostId: "h-2", secret: "s2" });
  });

  test.each([
    ["not JSON", "{oops", /not valid JSON/],
    ["JSON without a secret", '{"hostId":"h"}', /does not hold a hostId and a secret/],
  ])("a damaged file (%s) is an error naming the file", async (_name, body, message) => {
    const dir = await tempDir();
    await writeFile(join(dir, CREDENTIAL_FILE), body);
    const load = createFileCredentialStore(dir).load();
    await expect(load).rejects.toBeInstanceOf(CredentialFileError);
    await expect(load).rejects.toThrow(message);
    await expect(load).rejects.toThrow(join(dir, CREDENTIAL_FILE));
  });
});
