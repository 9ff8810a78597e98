/**
 * The runtime audit: every library feature the agent's code (apps/agent, and the core, protocol and
 * cli packages it bundles) calls must exist on Node 10.19, the agent's floor, or be filled in by
 * legacy-builtins.ts. esbuild lowers syntax but not library calls, so this reads the code with the
 * TypeScript checker and resolves each name to where it is declared:
 *   - in a TypeScript lib file newer than ES2018 (`lib.es2023.array.d.ts` → Array.prototype.findLast);
 *     Node 10.19 is V8 6.8: ES2018 plus String.prototype.trimStart/trimEnd and BigInt;
 *   - in @types/node with an `@since` tag newer than 10.19.0 (util.parseArgs, fs/promises rm, …);
 *   - a web global Node 10.19 lacks (fetch, AbortController, structuredClone, TextDecoder, …);
 * and regular expression flags Node 10 rejects (d, v). Used by runtime-audit.test.ts; dev only.
 */
import { basename, dirname, sep } from "node:path";
import ts from "typescript";

const FLOOR = [10, 19, 0] as const;

/** Web and timer globals newer than Node 10.19 (declared in @types/node without `@since`). */
const NEWER_GLOBALS: Record<string, string> = {
  AbortController: "15.0",
  AbortSignal: "15.0",
  atob: "16.0",
  btoa: "16.0",
  Blob: "18.0",
  BroadcastChannel: "18.0",
  crypto: "17.6 (as a global)",
  DOMException: "17.0",
  Event: "15.0",
  EventTarget: "15.0",
  fetch: "18.0",
  FormData: "18.0",
  Headers: "18.0",
  MessageChannel: "15.0",
  navigator: "21.0",
  performance: "16.0 (as a global)",
  queueMicrotask: "11.0",
  Request: "18.0",
  Response: "18.0",
  structuredClone: "17.0",
  TextDecoder: "11.0 (as a global)",
  TextEncoder: "11.0 (as a global)",
  WebSocket: "22.0",
};

/** Lib files newer than ES2018 whose content Node 10.19 has nonetheless. */
const LIB_FILES_ON_NODE_10 = new Set(["lib.es2019.string.d.ts", "lib.es2020.bigint.d.ts"]);

export interface Finding {
  file: string;
  line: number;
  feature: string;
  why: string;
}

export interface AuditOptions {
  /** entry files; every non-declaration file they import is audited */
  entries: string[];
  /** features that are filled in at run time (legacy-builtins.ts) or shimmed (fs-promises.ts) */
  allowed: ReadonlySet<string>;
  /** files outside these folders (node_modules, tests) are not audited */
  auditRoots: string[];
}

export function auditRuntime(options: AuditOptions): Finding[] {
  const program = ts.createProgram(options.entries, {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    types: ["node"],
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes(`${sep}node_modules${sep}`)) continue;
    if (/\.test\.ts$/.test(file.fileName)) continue;
    if (!options.auditRoots.some((root) => file.fileName.startsWith(root))) continue;
    const visit = (node: ts.Node): void => {
      const found = inspect(node, checker);
      if (found !== null && !options.allowed.has(found.feature)) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
        findings.push({ file: file.fileName, line: line + 1, ...found });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return findings;
}

function inspect(node: ts.Node, checker: ts.TypeChecker): { feature: string; why: string } | null {
  if (ts.isRegularExpressionLiteral(node)) {
    const flags = node.text.slice(node.text.lastIndexOf("/") + 1);
    const bad = flags.replace(/[gimsuy]/g, "");
    return bad === ""
      ? null
      : { feature: `RegExp flag ${bad}`, why: "Node 10.19 knows only g, i, m, s, u, y" };
  }
  if (!ts.isIdentifier(node)) return null;
  if (node.text === "globalThis") return { feature: "globalThis", why: "Node 12" };
  let symbol = checker.getSymbolAtLocation(node);
  if (symbol === undefined) return null;
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const decls = symbol.declarations ?? [];
  // a name is new only when every declaration is: `String` is merged across lib files, es5 among them
  const newLib = decls.length > 0 && decls.every((d) => isNewLibFile(d.getSourceFile().fileName));
  if (newLib) {
    const decl = decls[0] as ts.Declaration;
    return {
      feature: libFeatureName(decl, node.text),
      why: `declared in ${basename(decl.getSourceFile().fileName)}`,
    };
  }
  for (const decl of decls) {
    const file = decl.getSourceFile().fileName;
    if (!file.includes(`${sep}@types${sep}node${sep}`)) continue;
    const isGlobal = NEWER_GLOBALS[node.text] !== undefined && !ts.isPropertyAccessExpression(node.parent);
    if (isGlobal) return { feature: node.text, why: `global since Node ${NEWER_GLOBALS[node.text]}` };
    const since = sinceOf(decl);
    if (since !== null && newerThanFloor(since)) {
      return { feature: `${moduleOf(file)}.${node.text}`, why: `@since v${since.join(".")} in @types/node` };
    }
  }
  return null;
}

/** A TypeScript lib file of ES2019 or later whose content Node 10.19 lacks. */
function isNewLibFile(file: string): boolean {
  const libFile = basename(file);
  const year = /^lib\.es(\d{4})\./.exec(libFile)?.[1] ?? (libFile.startsWith("lib.esnext") ? "9999" : null);
  return year !== null && Number(year) > 2018 && !LIB_FILES_ON_NODE_10.has(libFile);
}

/** `Array.prototype.findLast` from `interface Array<T> { findLast… }` in a lib file. */
function libFeatureName(decl: ts.Declaration, name: string): string {
  const owner = decl.parent;
  const ownerName = owner !== undefined && ts.isInterfaceDeclaration(owner) ? owner.name.text : "";
  if (ownerName.endsWith("Constructor")) return `${ownerName.slice(0, -"Constructor".length)}.${name}`;
  const base = ownerName.replace(/^Readonly/, "");
  return base === "" ? name : `${base}.prototype.${name}`;
}

/** The lowest version in the nearest `@since v18.3.0, v16.17.0` tag of the declaration or its owners. */
function sinceOf(decl: ts.Node): number[] | null {
  for (let node: ts.Node | undefined = decl; node !== undefined; node = node.parent) {
    for (const tag of ts.getJSDocTags(node)) {
      if (tag.tagName.text !== "since") continue;
      const text = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment);
      const versions = (text ?? "").match(/v?\d+\.\d+\.\d+/g) ?? [];
      const parsed = versions.map((v) => v.replace(/^v/, "").split(".").map(Number));
      parsed.sort((a, b) => compareVersions(a, b));
      if (parsed[0] !== undefined) return parsed[0];
    }
    if (ts.isSourceFile(node)) break;
  }
  return null;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function newerThanFloor(version: readonly number[]): boolean {
  return compareVersions(version, FLOOR) > 0;
}

/** `…/@types/node/fs/promises.d.ts` → `fs/promises` */
function moduleOf(file: string): string {
  const rel = file.slice(
    file.lastIndexOf(`${sep}@types${sep}node${sep}`) + `${sep}@types${sep}node${sep}`.length,
  );
  const dir = dirname(rel);
  const name = basename(rel, ".d.ts");
  return dir === "." ? name : `${dir}/${name}`;
}
