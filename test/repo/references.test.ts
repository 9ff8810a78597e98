/**
 * Every reference in the repository resolves inside it (house-style §22): doc sections, traps,
 * linked and named files; nothing points outside the checkout. The checker is first shown to
 * catch planted dangling references, so a green run means something.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { type Dangling, findDangling, indexDoc, indexTraps, joinPath } from "./references.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Tracked files (plus new, not yet ignored ones), minus build output and dependencies. */
function trackedFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  }).toString("utf8");
  return out.split("\0").filter((p) => p !== "" && !/(^|\/)(node_modules|dist)\//.test(p));
}

/** Captured host output (fixtures, captures) is data, not prose: only its SOURCES.md cite anything. */
function isData(path: string): boolean {
  return /(^|\/)(fixtures|captures)\//.test(path) && !path.endsWith(".md");
}

/** This file plants dangling references on purpose, to show the checker finds them. */
const SELF = "test/repo/references.test.ts";

function readRepo(): { files: Map<string, string>; exists: (p: string) => boolean } {
  const paths = trackedFiles();
  const existing = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i <= parts.length; i++) existing.add(parts.slice(0, i).join("/"));
  }
  const files = new Map<string, string>();
  for (const p of paths) {
    if (isData(p) || p === SELF) continue;
    let buf: Buffer;
    try {
      buf = readFileSync(`${ROOT}/${p}`);
    } catch {
      continue; // deleted in the work tree, not yet committed
    }
    if (buf.subarray(0, 8000).includes(0)) continue; // binary
    files.set(p, buf.toString("utf8"));
  }
  return { files, exists: (p) => existing.has(p) };
}

const show = (d: Dangling) => `${d.file}:${d.line}: ${d.ref} — ${d.why}`;

const DOMAIN = [
  "# Domain",
  "## 1. The parameter",
  "### 1.5 Ranges",
  "## 9. Traps",
  "1. **first** trap",
  "2. **second** trap",
  "## 10. Open",
  "1. not a trap",
].join("\n");
const HOUSE = ["# House style", "## Layout", "1. one way", "2. one entry"].join("\n");
const ALERTING = ["# Alerting", "## Lifecycle (the state machine)"].join("\n");

function plant(files: Record<string, string>): string[] {
  const all = new Map<string, string>([
    ["docs/domain.md", DOMAIN],
    ["docs/house-style.md", HOUSE],
    ["docs/alerting.md", ALERTING],
    ["packages/core/src/judge.ts", ""],
    ...Object.entries(files),
  ]);
  const existing = new Set<string>(["docs", "packages", "packages/core", "packages/core/src"]);
  for (const p of all.keys()) existing.add(p);
  return findDangling({ files: all, exists: (p) => existing.has(p) }).map((d) => `${d.line}: ${d.ref}`);
}

describe("the reference checker", () => {
  test("indexes numbered headings, numbered points and the traps of domain §9", () => {
    expect([...indexDoc(DOMAIN).sections]).toEqual(["1", "1.5", "9", "10"]);
    expect([...indexDoc(HOUSE).sections]).toEqual(["1", "2"]);
    expect([...indexTraps(DOMAIN)]).toEqual([1, 2]);
    expect(joinPath("packages/core", "../../docs/x.md")).toBe("docs/x.md");
  });

  test("accepts references that resolve", () => {
    const ok = [
      "see domain.md §1.5 and docs/domain.md §9, §10; domain §1 (trap 2, traps 1, 2)",
      "house-style §2, house-style.md §1, alerting.md §Lifecycle, `packages/core/src/judge.ts`",
      "a placeholder `house-style §n`, a glob `packages/*/src`, a URL [x](https://example.org/a.md)",
    ].join("\n");
    expect(
      plant({
        "apps/x/src/a.ts": ok,
        "docs/guide.md": "[domain](domain.md#traps) and [up](../docs/house-style.md)",
        "packages/core/README.md": "the judge, `src/judge.ts`",
      }),
    ).toEqual([]);
  });

  test.each([
    ["a missing section", "as domain.md §11 says", "1: domain.md §11"],
    ["a missing subsection", "see domain §1.6", "1: domain §1.6"],
    ["a later section in a run", "domain §1.5, §2.3", "1: domain §2.3"],
    ["a missing numbered point", "house-style §3", "1: house-style §3"],
    ["a missing named section", "docs/alerting.md §Semantics", "1: docs/alerting.md §Semantics"],
    ["a document not in the repository", "\n(stack.md §7)", "2: stack.md §7"],
    ["a missing trap", "the kernel lies (trap 3)", "1: trap 3"],
    ["a missing trap in a list", "traps 1, 2 and 7", "1: traps 1, 2 and 7"],
    ["a missing backticked file", "in `packages/core/src/gone.ts`", "1: `packages/core/src/gone.ts`"],
    ["a missing plain doc", "read docs/missing.md first", "1: docs/missing.md"],
    ["a missing path of the package itself", "see `src/gone.ts`", "1: `src/gone.ts`"],
    ["a path beside the repository", `copied from ../${"shared"}/fixtures`, `1: ../${"shared"}`],
    ["an absolute path on the build machine", `see /${"work"}/x`, `1: /${"work"}/`],
  ])("finds %s", (_name, text, expected) => {
    expect(plant({ "apps/x/src/a.ts": text })).toContain(expected);
  });

  test("finds a dangling markdown link and a bare § inside a doc", () => {
    expect(plant({ "docs/guide.md": "[gone](./gone.md) and [ok](domain.md)" })).toEqual([
      "1: [gone](./gone.md)",
    ]);
    expect(plant({ "docs/domain.md": `${DOMAIN}\nas shown (§1.5, §4)` })).toEqual(["9: §4"]);
    expect(plant({ "docs/guide.md": "as in house-style\n§2 and house-style\n§3" })).toEqual([
      "3: house-style §3",
    ]);
  });
});

describe("the repository", () => {
  test("every reference resolves inside it", () => {
    const dangling = findDangling(readRepo()).map(show);
    expect(dangling, dangling.join("\n")).toEqual([]);
  });
});
