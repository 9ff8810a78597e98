import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { LEGACY_BUILTINS } from "./legacy-builtins.ts";
import { auditRuntime, type Finding } from "./runtime-audit.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../../..");
/** fs-promises.ts exports these for Node 10 (rm has a fallback there); the build fails on any other. */
const SHIMMED = ["fs/promises.rm"];
const allowed = new Set<string>([...LEGACY_BUILTINS, ...SHIMMED]);

describe("runtime audit of the agent bundle's code for Node 10.19", () => {
  test("the agent, core, protocol and cli call nothing newer than Node 10.19 that is not filled in", () => {
    const findings = auditRuntime({
      entries: [join(repo, "apps/agent/src/main.ts")],
      allowed,
      auditRoots: [join(repo, "apps"), join(repo, "packages")],
    });
    const report = findings.map((f) => `${f.file.slice(repo.length + 1)}:${f.line} ${f.feature} (${f.why})`);
    expect(report, "use an older API, or fill it in in legacy-builtins.ts").toEqual([]);
  }, 120_000); // type-checks the whole agent program: seconds, more on a loaded machine

  const dir = mkdtempSync(join(tmpdir(), "kdw-audit-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const FLAGGED: [string, string][] = [
    ["const x = [1, 2].findLast((n) => n > 1);", "Array.prototype.findLast"],
    ["const x = 'a.b'.replaceAll('.', '/');", "String.prototype.replaceAll"],
    ["const x = Object.hasOwn({}, 'a');", "Object.hasOwn"],
    ["const x = structuredClone({ a: 1 });", "structuredClone"],
    ["const c = new AbortController();", "AbortController"],
    ["const r = fetch('http://127.0.0.1/');", "fetch"],
    ["queueMicrotask(() => {});", "queueMicrotask"],
    ["const d = new TextDecoder();", "TextDecoder"],
    ["const x = Promise.allSettled([]);", "Promise.allSettled"],
    ["const x = [[1]].flat();", "Array.prototype.flat"],
    ["const x = /a/d;", "RegExp flag d"],
    ["import { parseArgs } from 'node:util';\nparseArgs({});", "util.parseArgs"],
    ["import { rm } from 'node:fs/promises';\nvoid rm('/x');", "fs/promises.rm"],
    ["import { randomUUID } from 'node:crypto';\nrandomUUID();", "crypto.randomUUID"],
  ];
  const LET_THROUGH = [
    "const x = [3, 1].sort().map(String).join(',');",
    "const x = ' a '.trimStart() + Object.entries({ a: 1 }).length;",
    "import { readFileSync } from 'node:fs';\nreadFileSync('/etc/hostname', 'utf8');",
    "const x = /(?<year>\\d{4})(?<=\\d)/su.exec('2026');",
    "const big = BigInt(10) * 2n;",
  ];
  const snippets = [...FLAGGED.map(([code]) => code), ...LET_THROUGH];
  const fileOf = (code: string) => join(dir, `snippet-${snippets.indexOf(code)}.ts`);

  // Each snippet is a module of its own (`export {}`), so what one uses cannot hide or cause a
  // finding in another: all are audited in ONE program, the type-check that costs the time, and
  // each test reads its own file's findings.
  let audited: Map<string, Finding[]> | null = null;
  function findingsOf(code: string): Finding[] {
    if (audited === null) {
      for (const c of snippets) writeFileSync(fileOf(c), `${c}\nexport {};\n`);
      const all = auditRuntime({ entries: snippets.map(fileOf), allowed: new Set(), auditRoots: [dir] });
      audited = new Map(snippets.map((c) => [fileOf(c), all.filter((f) => f.file === fileOf(c))]));
      expect(
        all.every((f) => audited?.has(f.file)),
        "every finding is in one of the snippets",
      ).toBe(true);
    }
    return audited.get(fileOf(code)) ?? [];
  }

  test.each(FLAGGED)(
    "flags %s as %s",
    (code, feature) => {
      expect(findingsOf(code).map((f) => f.feature)).toContain(feature);
    },
    60_000,
  );

  test.each(LET_THROUGH)(
    "lets Node 10.19's own features through: %s",
    (code) => {
      expect(findingsOf(code)).toEqual([]);
    },
    60_000,
  );
});
