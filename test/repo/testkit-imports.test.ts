/**
 * house-style §1: test support lives in packages/testkit and only `*.test.ts` files import it. The
 * Biome rule (noRestrictedImports in biome.json's overrides) is proven here by planting imports in
 * throwaway files under each kind of `src/` and running Biome on them: every non-test file is
 * refused, a test file beside it is not.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIOME = join(ROOT, "node_modules/.bin/biome");
const TAG = `planted-testkit-${process.pid}`;

/** One directory of each rule set in biome.json: plain packages, core, protocol, db, apps, routes. */
const SRC_DIRS = [
  "packages/cli/src",
  "packages/core/src",
  "packages/protocol/src",
  "packages/db/src",
  "apps/agent/src/client",
  "apps/server/src",
  "apps/server/src/routes",
  "apps/dashboard/src/lib",
];
const IMPORTS = [
  'import { hostRow } from "@kdumpwatch/testkit";',
  'import { startHarness } from "../testing/harness.ts";',
];
const planted: string[] = [];

function plant(dir: string, suffix: string, body: string): string {
  const rel = join(dir, `${TAG}${suffix}`);
  writeFileSync(join(ROOT, rel), body);
  planted.push(rel);
  return rel;
}

/** `file:line` of each noRestrictedImports finding Biome reports. */
function restricted(files: readonly string[]): string[] {
  const run = spawnSync(
    BIOME,
    ["lint", "--only=style/noRestrictedImports", "--colors=off", "--max-diagnostics=1000", ...files],
    { cwd: ROOT, encoding: "utf8" },
  );
  const out = `${run.stdout}\n${run.stderr}`;
  expect(out, "biome ran on the planted files").toContain(`Checked ${files.length} file`);
  return [...out.matchAll(/^(\S+:\d+):\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1]!);
}

afterAll(() => {
  for (const rel of planted) rmSync(join(ROOT, rel), { force: true });
});

test("a non-test file under any src/ cannot import the testkit or a testing path", () => {
  const body = `${IMPORTS.join("\n")}\nexport const used = [hostRow, startHarness];\n`;
  const files = SRC_DIRS.map((dir) => plant(dir, ".ts", body));
  const found = restricted(files);
  for (const file of files) {
    const lines = new Set(found.filter((f) => f.startsWith(`${file}:`)));
    expect([...lines].sort(), `${file}: both imports refused`).toEqual([`${file}:1`, `${file}:2`]);
  }
});

test("a test file beside them may import the testkit (core, protocol and db tests import no package)", () => {
  const body = `${IMPORTS[0]}\nexport const used = hostRow;\n`;
  const files = SRC_DIRS.filter((dir) => !/^packages\/(core|protocol|db)\//.test(dir)).map((dir) =>
    plant(dir, ".test.ts", body),
  );
  expect(restricted(files)).toEqual([]);
});
