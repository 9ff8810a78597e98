import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migratedPgliteImage } from "@kdumpwatch/db";

/**
 * Every PGlite test database starts from one migrated data directory instead of running initdb and
 * the migrations again (2–5 s per open on the 2-core machine; loading the image takes ~1 s). The
 * image is built once per `vitest run` by {@link setupPgliteImage} (the root config's globalSetup)
 * and reaches the test workers as a file named by this variable; without it (a test file run some
 * other way) each worker process builds its own once.
 */
const PGLITE_IMAGE_VAR = "KDUMPWATCH_TEST_PGLITE_IMAGE";

let image: Promise<Blob> | undefined;

/** The migrated data directory that the PGlite test driver opens each database from. */
export function testPgliteImage(env: NodeJS.ProcessEnv = process.env): Promise<Blob> {
  const file = env[PGLITE_IMAGE_VAR];
  image ??= file ? readFile(file).then((bytes) => new Blob([bytes])) : migratedPgliteImage();
  return image;
}

/** Vitest globalSetup: writes the image to a temporary file for the workers; the teardown removes it. */
export async function setupPgliteImage(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "kdw-pglite-image-"));
  const file = join(dir, "pgdata.tar");
  writeFileSync(file, Buffer.from(await (await migratedPgliteImage()).arrayBuffer()));
  process.env[PGLITE_IMAGE_VAR] = file;
  return () => {
    delete process.env[PGLITE_IMAGE_VAR];
    rmSync(dir, { recursive: true, force: true });
  };
}
