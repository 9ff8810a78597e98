/**
 * house-style §1: test support lives in packages/testkit and only `*.test.ts` files import it. Proven
 * three ways: the Biome rule (noRestrictedImports in biome.json's overrides) refuses imports planted
 * in throwaway files under each kind of `src/`; a scan of every file under every `src/` finds no
 * non-test importer of the testkit or of a `testing` module today; and the support that used to live
 * under `src/` is gone from there and present in the testkit. Last, the tests of the packages the
 * testkit depends on are still type-checked, in projects of their own that `tsc -b` builds.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";

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
  'import { createHarness } from "@kdumpwatch/testkit/server";',
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

/** Every `src/` directory of every workspace package except the testkit's own. */
function srcRoots(): string[] {
  return ["packages", "apps"].flatMap((group) =>
    readdirSync(join(ROOT, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && `${group}/${d.name}` !== "packages/testkit")
      .map((d) => `${group}/${d.name}/src`)
      .filter((dir) => existsSync(join(ROOT, dir))),
  );
}

/** Repo-relative paths of every file below `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = join(dir, d.name);
    return d.isDirectory() ? filesUnder(rel) : [rel];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\bexport\s*\*\s*from\s*)["']([^"']+)["']/g;

/** The module specifiers a source file names that are test support: the testkit or a `testing` module. */
function testSupportImports(text: string): string[] {
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[1]!)
    .filter(
      (spec) => /^@kdumpwatch\/testkit(\/|$)/.test(spec) || /(^|\/)testing(\/|\.[cm]?[jt]s$|$)/.test(spec),
    );
}

/** `file: specifier` for each non-test file under a `src/` that imports test support. */
function offenders(): string[] {
  return srcRoots()
    .flatMap(filesUnder)
    .filter((f) => /\.(?:[cm]?[jt]s|svelte)$/.test(f) && !f.endsWith(".test.ts"))
    .flatMap((f) => testSupportImports(readFileSync(join(ROOT, f), "utf8")).map((spec) => `${f}: ${spec}`));
}

// After each test, so that one test's planted files never reach the next one's scan.
afterEach(() => {
  for (const rel of planted.splice(0)) rmSync(join(ROOT, rel), { force: true });
});

describe("the Biome rule", () => {
  test("a non-test file under any src/ cannot import the testkit, a subpath of it or a testing path", () => {
    const body = `${IMPORTS.join("\n")}\nexport const used = [hostRow, createHarness, startHarness];\n`;
    const files = SRC_DIRS.map((dir) => plant(dir, ".ts", body));
    const found = restricted(files);
    for (const file of files) {
      const lines = new Set(found.filter((f) => f.startsWith(`${file}:`)));
      expect([...lines].sort(), `${file}: every import refused`).toEqual([
        `${file}:1`,
        `${file}:2`,
        `${file}:3`,
      ]);
    }
  });

  test("a test file under an app or a plain package may import the testkit and its subpaths", () => {
    const body = `${IMPORTS.slice(0, 2).join("\n")}\nexport const used = [hostRow, createHarness];\n`;
    const files = SRC_DIRS.filter((dir) => !/^packages\/(core|protocol|db)\//.test(dir)).map((dir) =>
      plant(dir, ".test.ts", body),
    );
    expect(restricted(files)).toEqual([]);
  });

  test("core's and db's tests may import their own part of the testkit and nothing else of it", () => {
    const own = { "packages/core/src": "core", "packages/db/src": "db" } as const;
    const files = Object.entries(own).map(([dir, part]) =>
      plant(
        dir,
        ".test.ts",
        [
          `import * as own from "@kdumpwatch/testkit/${part}";`,
          'import * as server from "@kdumpwatch/testkit/server";',
          'import * as fixtures from "@kdumpwatch/testkit";',
          "export const used = [own, server, fixtures];",
          "",
        ].join("\n"),
      ),
    );
    const found = restricted(files);
    for (const file of files) {
      const lines = new Set(found.filter((f) => f.startsWith(`${file}:`)));
      expect([...lines].sort(), `${file}: its own part allowed, the rest refused`).toEqual([
        `${file}:2`,
        `${file}:3`,
      ]);
    }
  });
});

describe("the files under src/", () => {
  test("no non-test file under any src/ imports the testkit or a testing module", () => {
    expect(offenders()).toEqual([]);
  });

  test("the scan finds such an import when there is one (static, re-exported or dynamic)", () => {
    const file = plant(
      "apps/server/src",
      "-scan.ts",
      [
        'import { createHarness } from "@kdumpwatch/testkit/server";',
        'export * from "./testing/harness.ts";',
        'export const later = () => import("../testing");',
        "export const used = createHarness;",
        "",
      ].join("\n"),
    );
    expect(offenders().filter((o) => o.startsWith(file))).toEqual([
      `${file}: @kdumpwatch/testkit/server`,
      `${file}: ./testing/harness.ts`,
      `${file}: ../testing`,
    ]);
  });

  test("the test support that lived under src/ is gone from there and lives in the testkit", () => {
    const moved: ReadonlyArray<readonly [string, string]> = [
      ["apps/server/src/testing", "packages/testkit/src/server/harness.ts"],
      ["apps/agent/src/client/fakes.ts", "packages/testkit/src/agent/fakes.ts"],
      ["apps/agent/src/client/test-harness.ts", "packages/testkit/src/agent/client-harness.ts"],
      ["packages/core/src/rules/test-hosts.ts", "packages/testkit/src/core/test-hosts.ts"],
      ["packages/core/src/rules/family-scenarios.ts", "packages/testkit/src/core/family-scenarios.ts"],
      ["packages/core/src/testing", "packages/testkit/src/core/any-text.ts"],
      ["packages/db/src/testing.ts", "packages/testkit/src/db/drivers.ts"],
    ];
    for (const [before, after] of moved) {
      expect(existsSync(join(ROOT, before)), `${before} is gone`).toBe(false);
      expect(existsSync(join(ROOT, after)), `${after} exists`).toBe(true);
    }
    const leftovers = srcRoots()
      .flatMap(filesUnder)
      .filter((f) => /(^|\/)(testing(\/|\.ts$)|fakes\.ts$|test-harness\.ts$|test-hosts\.ts$)/.test(f));
    expect(leftovers, "no testing module, fakes or harness under any src/").toEqual([]);
  });
});

describe("the type-check", () => {
  const readJson = (rel: string) => JSON.parse(readFileSync(join(ROOT, rel), "utf8"));
  const rootRefs = new Set<string>(readJson("tsconfig.json").references.map((r: { path: string }) => r.path));

  test("a package whose tsconfig.json leaves its tests out checks them in a tsconfig.test.json tsc -b builds", () => {
    const split = srcRoots()
      .map((src) => src.replace(/\/src$/, ""))
      .filter((dir) => existsSync(join(ROOT, dir, "tsconfig.json")))
      .filter((dir) => (readJson(`${dir}/tsconfig.json`).exclude ?? []).includes("src/**/*.test.ts"));
    expect(split.sort(), "the packages the testkit depends on").toEqual(
      ["apps/agent", "apps/server", "packages/core", "packages/db"].sort(),
    );
    for (const dir of split) {
      const tests = readJson(`${dir}/tsconfig.test.json`);
      expect(tests.include, dir).toContain("src/**/*.test.ts");
      expect(
        rootRefs.has(`${dir}/tsconfig.test.json`),
        `${dir}/tsconfig.test.json in the root tsconfig`,
      ).toBe(true);
      expect(rootRefs.has(dir), `${dir} in the root tsconfig`).toBe(true);
    }
  });
});
