/**
 * house-style §1: packages/db stands alone at run time. Its schema names core's and protocol's types
 * for the jsonb columns (drizzle `$type<>()`, so rows read back typed, without casts), which Biome
 * allows; this test holds those imports to `import type`, which TypeScript erases, so db loads no
 * other package.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DB_SRC = "packages/db/src";

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = join(dir, d.name);
    return d.isDirectory() ? filesUnder(rel) : [rel];
  });
}

/** Each import or re-export of a workspace package that TypeScript would keep at run time. */
function valueImportsOfPackages(text: string): string[] {
  const statements = text.match(/^(?:import|export)\b[^;]*?\bfrom\s*"@kdumpwatch\/[^"]+";/gms) ?? [];
  return statements.filter((s) => {
    if (/^(?:import|export)\s+type\b/.test(s)) return false;
    const names = /\{([^}]*)\}/.exec(s)?.[1];
    // `import { type A, type B } from …` is erased too; a bare or namespace import is not
    return names === undefined || names.split(",").some((n) => n.trim() !== "" && !/^type\s/.test(n.trim()));
  });
}

test("packages/db imports other packages for their types only", () => {
  const found = filesUnder(DB_SRC)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .flatMap((f) => valueImportsOfPackages(readFileSync(join(ROOT, f), "utf8")).map((s) => `${f}: ${s}`));
  expect(found).toEqual([]);
});

test("the check tells a value import from a type import", () => {
  expect(valueImportsOfPackages('import type { HostFacts } from "@kdumpwatch/core";')).toEqual([]);
  expect(valueImportsOfPackages('import { type CheckResult } from "@kdumpwatch/core";')).toEqual([]);
  const values = [
    'import { emptyFacts } from "@kdumpwatch/core";',
    'import { type CheckResult, judge } from "@kdumpwatch/core";',
    'import * as core from "@kdumpwatch/core";',
    'export { SnapshotSchema } from "@kdumpwatch/protocol";',
  ];
  for (const line of values) expect(valueImportsOfPackages(line), line).toEqual([line]);
});
