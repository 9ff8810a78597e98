/**
 * Where the host credential lives: `<stateDir>/credential.json`, mode 0600, written atomically
 * (temporary file in the same directory, fsync, rename, fsync of the directory) so a crash or power
 * loss leaves either the old credential or the new one, never half a file (product.md §7).
 */
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod/mini";
import type { Credential, CredentialStore } from "./ports.ts";

export const CREDENTIAL_FILE = "credential.json";

const StoredCredentialSchema = z.object({
  hostId: z.string().check(z.minLength(1), z.maxLength(64)),
  secret: z.string().check(z.minLength(1), z.maxLength(256)),
});

/** The file exists but cannot be used; the message names the file. */
export class CredentialFileError extends Error {
  override name = "CredentialFileError";
}

export function createFileCredentialStore(stateDir: string): CredentialStore {
  const path = join(stateDir, CREDENTIAL_FILE);
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw new CredentialFileError(`cannot read ${path}: ${(err as Error).message}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CredentialFileError(`${path} is not valid JSON`);
      }
      const parsed = StoredCredentialSchema.safeParse(json);
      if (!parsed.success) throw new CredentialFileError(`${path} does not hold a hostId and a secret`);
      return { hostId: parsed.data.hostId, secret: parsed.data.secret };
    },
    async save(credential) {
      await mkdir(stateDir, { recursive: true, mode: 0o700 });
      const tmp = join(stateDir, `.${CREDENTIAL_FILE}.${process.pid}.${Date.now()}.tmp`);
      const body = `${JSON.stringify({ hostId: credential.hostId, secret: credential.secret })}\n`;
      try {
        const file = await open(tmp, "wx", 0o600);
        try {
          await file.writeFile(body, "utf8");
          await file.chmod(0o600);
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      await chmod(path, 0o600);
      const dir = await open(stateDir, "r");
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    },
  };
}

/** For the simulator and tests: the credential lives in memory only. */
export function createMemoryCredentialStore(initial: Credential | null = null): CredentialStore & {
  current(): Credential | null;
} {
  let stored = initial;
  return {
    load: async () => stored,
    save: async (credential) => {
      stored = credential;
    },
    current: () => stored,
  };
}
