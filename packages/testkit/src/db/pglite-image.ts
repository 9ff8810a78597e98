import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pgliteImages } from "@kdumpwatch/db";

/**
 * Every PGlite test database starts from one migrated data directory instead of running initdb and
 * the migrations again (2–5 s per open on the 2-core machine; loading the image takes ~1 s). The
 * image is built once per `vitest run` by {@link setupPgliteImage} (the root config's globalSetup)
 * and reaches the test workers as a file named by this variable; without it (a test file run some
 * other way) each worker process builds its own once. Beside it, `initdb.tar`: the same directory
 * before the migrations (from the same initdb), for the tests of the migrations themselves.
 */
export const PGLITE_IMAGE_VAR = "KDUMPWATCH_TEST_PGLITE_IMAGE";
const INITDB_IMAGE = "initdb.tar";

/** Which image: `migrated` (every migration applied) or `initdb` (none: as a first start finds it after initdb). */
export type PgliteImageKind = "migrated" | "initdb";

const images = new Map<PgliteImageKind, Promise<Blob>>();
let built: Promise<Record<PgliteImageKind, Blob>> | undefined;

/** The migrated data directory that the PGlite test driver opens each database from (or `initdb`'s). */
export function testPgliteImage(
  env: NodeJS.ProcessEnv = process.env,
  kind: PgliteImageKind = "migrated",
): Promise<Blob> {
  const file = env[PGLITE_IMAGE_VAR];
  let image = images.get(kind);
  if (!image) {
    // each read only when first asked for: most workers never need `initdb`
    if (file) {
      image = readFile(kind === "migrated" ? file : join(dirname(file), INITDB_IMAGE)).then(
        (b) => new Blob([b]),
      );
    } else {
      built ??= pgliteImages();
      image = built.then((both) => both[kind]);
    }
    images.set(kind, image);
  }
  return image;
}

/**
 * Vitest globalSetup: writes the images to a temporary directory for the workers; the teardown
 * removes it. A second setup in the same run (the e2e projects' one calls this too, and may run
 * first) finds the file already named and builds nothing.
 */
export async function setupPgliteImage(): Promise<() => void> {
  const named = process.env[PGLITE_IMAGE_VAR];
  if (named && existsSync(named)) return () => {};
  const dir = mkdtempSync(join(tmpdir(), "kdw-pglite-image-"));
  const file = join(dir, "pgdata.tar");
  const { migrated, initdb } = await pgliteImages();
  writeFileSync(file, Buffer.from(await migrated.arrayBuffer()));
  writeFileSync(join(dir, INITDB_IMAGE), Buffer.from(await initdb.arrayBuffer()));
  process.env[PGLITE_IMAGE_VAR] = file;
  return () => {
    delete process.env[PGLITE_IMAGE_VAR];
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * Makes `dataDir` a PGlite data directory holding the migrated image (or, with `initdb`, the one
 * before the migrations), as `openDatabase({ dataDir })` and the server use it (`<dataDir>/pglite`),
 * without running initdb (3–6 s on the 2-core machine) and the migrations there: the image's files
 * are written out as PGlite's `loadDataDir` would. `<dataDir>/pglite` must not exist yet or be empty.
 */
export async function seedPgliteDataDir(dataDir: string, kind: PgliteImageKind = "migrated"): Promise<void> {
  const target = join(dataDir, "pglite");
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty`);
  // `dataDir` itself as any new directory: what the server makes of it stays the server's doing
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const tar = new Uint8Array(await (await testPgliteImage(process.env, kind)).arrayBuffer());
  for (const entry of tarEntries(tar)) {
    const path = join(target, entry.name);
    if (entry.type === "dir") mkdirSync(path, { recursive: true, mode: 0o700 });
    else {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, entry.data, { mode: 0o600 });
    }
  }
}

/** The entries of an uncompressed ustar archive (PGlite's `dumpDataDir("none")`): files and directories. */
function* tarEntries(tar: Uint8Array): Generator<{ name: string; type: "file" | "dir"; data: Uint8Array }> {
  const text = (from: number, length: number) => {
    const bytes = tar.subarray(from, from + length);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  };
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(at, 100);
    if (name === "") return; // the archive's closing zero blocks
    const prefix = text(at + 345, 155);
    const size = Number.parseInt(text(at + 124, 12).trim() || "0", 8);
    const flag = text(at + 156, 1);
    const full = (prefix ? `${prefix}/${name}` : name).replace(/^\/+/, "");
    if (flag === "5") yield { name: full, type: "dir", data: new Uint8Array() };
    else if (flag === "0" || flag === "")
      yield { name: full, type: "file", data: tar.subarray(at + 512, at + 512 + size) };
    else throw new Error(`PGlite image: tar entry ${full} of type ${JSON.stringify(flag)} is not supported`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
