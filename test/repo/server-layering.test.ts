/**
 * docs/architecture.md's layering of the server, checked: tables and queries are touched only by
 * `services/` and the alerting stores (`alerting/`, a service layer of its own); every other module
 * that imports @kdumpwatch/db takes only the plumbing — opening the database (main, server, CLI),
 * the `Db` type for dependencies, the handle's LISTEN/NOTIFY (hub) and advisory locks (jobs).
 * Routes and socket handlers import none of it (a Biome rule, house-style §4).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const SRC = fileURLToPath(new URL("../../apps/server/src", import.meta.url));

/** Where queries live. */
const DATA_LAYERS = ["services/", "alerting/"];
/** Test support builds and inspects databases of its own. */
const TEST_SUPPORT = ["testing/"];
/** What the rest of the server may take from @kdumpwatch/db: no table, no query builder. */
const PLUMBING = new Set(["openDatabase", "DatabaseHandle", "Db", "Tx", "Lease", "LOCK_KEYS"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The names a file imports from @kdumpwatch/db (`type` markers dropped). */
function dbImports(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*"@kdumpwatch\/db"/g)) {
    for (const part of m[2]!.split(",")) {
      const name = part
        .trim()
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)[0]!;
      if (name !== "") names.push(name);
    }
  }
  if (/import\s+\*\s+as\s+\w+\s+from\s*"@kdumpwatch\/db"/.test(text)) names.push("*");
  return names;
}

test("the import reader sees named, type and namespace imports", () => {
  const text =
    'import { type Db, hosts as h, sql } from "@kdumpwatch/db";\nimport * as all from "@kdumpwatch/db";';
  expect(dbImports(text)).toEqual(["Db", "hosts", "sql", "*"]);
});

test("only services/ and alerting/ query the database; the rest of the server takes plumbing only", () => {
  const offenders: string[] = [];
  let dataModules = 0;
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file);
    const names = dbImports(readFileSync(file, "utf8"));
    if (names.length === 0 || TEST_SUPPORT.some((p) => rel.startsWith(p))) continue;
    if (DATA_LAYERS.some((p) => rel.startsWith(p))) {
      dataModules++;
      continue;
    }
    const extra = names.filter((n) => !PLUMBING.has(n));
    if (extra.length > 0) offenders.push(`${rel}: ${extra.join(", ")}`);
  }
  expect(offenders, "move these queries into a services/ verb").toEqual([]);
  expect(dataModules, "the data layer was found").toBeGreaterThan(10);
});
