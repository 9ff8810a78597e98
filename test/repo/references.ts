/**
 * The repository's own references, checked (house-style §22: every reference resolves inside the
 * repository). A citation is one of:
 * - a section of one of the repository's docs: `domain.md §1.5`, `domain §8`, `product.md §2`,
 *   `house-style §7`, `docs/stack.md §6`, `alerting.md §Lifecycle`; a run like `domain §4.6, §6.6`
 *   cites the same document, and a bare `§n` inside one of the docs cites that doc;
 * - a trap of docs/domain.md §9: `trap 11`, `traps 8, 9`, `trap 6 and 7`;
 * - a file: a relative markdown link `[text](../x.md)`, a backticked repository path
 *   (`` `packages/core/src/judge.ts` ``) or a plain `docs/<name>.md`.
 * Paths outside the repository (the sibling `shared` checkout, absolute paths under the build
 * machine's work directory) are forbidden outright. Pure: the caller lists the files and says
 * which paths exist.
 */

/** A reference that does not resolve, with where it was written. */
export interface Dangling {
  file: string;
  line: number;
  ref: string;
  why: string;
}

/** The section ids of one document: `1`, `1.5`, `9`, or a heading's words (lower case). */
export interface DocIndex {
  sections: ReadonlySet<string>;
  /** heading texts, lower case, for `§Name` citations */
  headings: readonly string[];
}

export interface RepoView {
  /** tracked text files by repository-relative path */
  files: ReadonlyMap<string, string>;
  /** whether a repository-relative path (file or directory) exists in the tracked tree */
  exists: (path: string) => boolean;
}

/** The documents citations may name, by the names they are cited with. */
const DOC_NAMES: Readonly<Record<string, string>> = {
  domain: "docs/domain.md",
  product: "docs/product.md",
  "house-style": "docs/house-style.md",
  stack: "docs/stack.md",
  architecture: "docs/architecture.md",
  alerting: "docs/alerting.md",
  operations: "docs/operations.md",
  checks: "docs/checks.md",
};

/** Top-level directories a backticked path must start with to be read as a repository path. */
const ROOTS = ["docs", "packages", "apps", "test", "scripts", "infra", ".ci"];

/** Built from parts so this file does not trip its own check. */
const FORBIDDEN: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: new RegExp(`\\.\\./${"shared"}\\b`), why: "points at a checkout beside the repository" },
  { pattern: new RegExp(`/${"work"}/`), why: "an absolute path on the build machine" },
  {
    pattern: new RegExp(`(?<![\\w.-])${"shared"}/(?:docs|fixtures|seed|hooks)\\b`),
    why: "points at the shared checkout, not the repository",
  },
];

const SECTION_ID = String.raw`(?:\d+(?:\.\d+)*|[A-Za-z][\w-]*)`;
const DOC_CITE = new RegExp(
  String.raw`(?<![\w/-])(?:docs/)?(${Object.keys(DOC_NAMES).join("|")})(?:\.md)? ?§ ?(${SECTION_ID})`,
  "g",
);
/** `, §4.6`, ` and §2`, `/§3`: further sections of the document cited just before. */
const CONTINUED = new RegExp(String.raw`^(?:\s*(?:,|;|/|&|and|or)\s*)§ ?(${SECTION_ID})`);
const BARE = new RegExp(String.raw`(?<![\w§])§ ?(${SECTION_ID})`, "g");
const TRAP = /\btraps? (\d+)((?:(?:, ?| and | or |\/)\d+\b)*)/gi;
const MD_LINK = /\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const BACKTICKED = /`([^`\s]+)`/g;
const PLAIN_DOC = /(?<![\w/.-])docs\/[\w.-]+\.md\b/g;

/** Section ids of a markdown document: numbered headings, else top-level numbered list items. */
export function indexDoc(markdown: string): DocIndex {
  const sections = new Set<string>();
  const headings: string[] = [];
  const items = new Set<string>();
  for (const line of markdown.split("\n")) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      const text = heading[1]!.trim();
      headings.push(text.toLowerCase());
      const num = /^§?\s*(\d+(?:\.\d+)*)\.?(?:\s|$)/.exec(text);
      if (num) sections.add(num[1]!);
      continue;
    }
    const item = /^(\d+)\.\s/.exec(line);
    if (item) items.add(item[1]!);
  }
  return { sections: sections.size > 0 ? sections : items, headings };
}

/** The traps of docs/domain.md: the numbered items of its section 9. */
export function indexTraps(domainMarkdown: string): ReadonlySet<number> {
  const traps = new Set<number>();
  let inTraps = false;
  for (const line of domainMarkdown.split("\n")) {
    if (/^##\s/.test(line)) inTraps = /^##\s+9\.\s/.test(line);
    const item = inTraps ? /^(\d+)\.\s/.exec(line) : null;
    if (item) traps.add(Number(item[1]));
  }
  return traps;
}

function hasSection(doc: DocIndex, id: string): boolean {
  if (/^[a-z]$/.test(id)) return true; // a placeholder: `house-style §n`
  if (/^\d/.test(id)) return doc.sections.has(id);
  const word = id.toLowerCase();
  return doc.headings.some((h) => h === word || h.startsWith(`${word} `) || h.startsWith(`${word}:`));
}

/** Every reference in `view` that does not resolve. */
export function findDangling(view: RepoView): Dangling[] {
  const docs = new Map<string, DocIndex>();
  for (const path of Object.values(DOC_NAMES)) {
    const text = view.files.get(path);
    if (text !== undefined) docs.set(path, indexDoc(text));
  }
  const traps = indexTraps(view.files.get(DOC_NAMES.domain!) ?? "");
  const out: Dangling[] = [];
  for (const [file, text] of view.files) {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      const at = { file, line: i + 1 };
      const input = { file, line: carryDocName(lines[i - 1] ?? "", line), docs, traps, exists: view.exists };
      for (const d of lineDangling(input)) out.push({ ...at, ...d });
    });
  }
  return out;
}

const TRAILING_DOC = new RegExp(
  String.raw`(?<![\w/-])(?:docs/)?(${Object.keys(DOC_NAMES).join("|")})(?:\.md)?$`,
);

/** A citation broken over two lines (`house-style` / `§19`) is read as one. */
function carryDocName(previous: string, line: string): string {
  const doc = TRAILING_DOC.exec(previous.trimEnd());
  return doc && /^\s*(?:[*/#]+\s*)?§/.test(line)
    ? `${doc[1]} ${line.replace(/^\s*(?:[*/#]+\s*)?/, "")}`
    : line;
}

interface LineInput {
  file: string;
  line: string;
  docs: ReadonlyMap<string, DocIndex>;
  traps: ReadonlySet<number>;
  exists: (path: string) => boolean;
}

type Problem = { ref: string; why: string };

function lineDangling(input: LineInput): Problem[] {
  return [
    ...forbiddenPaths(input.line),
    ...sectionCitations(input),
    ...trapCitations(input),
    ...pathCitations(input),
  ];
}

function forbiddenPaths(line: string): Problem[] {
  return FORBIDDEN.flatMap(({ pattern, why }) => {
    const m = pattern.exec(line);
    return m ? [{ ref: m[0], why }] : [];
  });
}

function sectionCitations({ file, line, docs }: LineInput): Problem[] {
  const out: Problem[] = [];
  const cited: Array<[number, number]> = [];
  const check = (docPath: string, id: string, ref: string) => {
    const doc = docs.get(docPath);
    if (!doc) out.push({ ref, why: `${docPath} is not in the repository` });
    else if (!hasSection(doc, id)) out.push({ ref, why: `${docPath} has no section ${id}` });
  };
  for (const m of line.matchAll(DOC_CITE)) {
    const docPath = DOC_NAMES[m[1]!]!;
    check(docPath, m[2]!, m[0]);
    let end = m.index + m[0].length;
    cited.push([m.index, end]);
    for (let next = CONTINUED.exec(line.slice(end)); next; next = CONTINUED.exec(line.slice(end))) {
      check(docPath, next[1]!, `${m[1]} §${next[1]}`);
      cited.push([end, end + next[0].length]);
      end += next[0].length;
    }
  }
  // A bare § inside one of the docs cites that doc itself.
  const self = docs.get(file);
  if (self && file.startsWith("docs/")) {
    for (const m of line.matchAll(BARE)) {
      if (cited.some(([s, e]) => m.index >= s && m.index < e)) continue;
      if (/^\d/.test(m[1]!) && !hasSection(self, m[1]!))
        out.push({ ref: m[0], why: `${file} has no section ${m[1]}` });
    }
  }
  return out;
}

function trapCitations({ line, traps }: LineInput): Problem[] {
  const out: Problem[] = [];
  for (const m of line.matchAll(TRAP)) {
    const numbers = [m[1]!, ...(m[2]!.match(/\d+/g) ?? [])].map(Number);
    for (const n of numbers) {
      if (!traps.has(n)) out.push({ ref: m[0], why: `docs/domain.md §9 has no trap ${n}` });
    }
  }
  return out;
}

function pathCitations({ file, line, exists }: LineInput): Problem[] {
  const out: Problem[] = [];
  const missing = (path: string, ref: string) => {
    if (!exists(path)) out.push({ ref, why: `${path} does not exist` });
  };
  if (file.endsWith(".md")) {
    for (const m of line.matchAll(MD_LINK)) {
      const target = m[1]!.split("#")[0]!;
      if (target === "" || /^[a-z][a-z+.-]*:/i.test(target) || target.startsWith("/")) continue;
      missing(joinPath(dirOf(file), decodeURI(target)), m[0]);
    }
  }
  const pkg = /^(?:packages|apps)\/[^/]+\//.exec(file)?.[0] ?? null;
  for (const m of line.matchAll(BACKTICKED)) {
    const path = repoPath(m[1]!) ?? (pkg ? packagePath(pkg, m[1]!) : null);
    if (path) missing(path, m[0]);
  }
  for (const m of line.matchAll(PLAIN_DOC)) missing(m[0], m[0]);
  return out;
}

/** A backticked string read as a repository path, or null when it is not one (globs, placeholders). */
function repoPath(text: string): string | null {
  const path = text
    .replace(/\\$/, "")
    .replace(/:\d+(?::\d+)?$/, "")
    .replace(/[.,;:]$/, "");
  const segments = path.split("/");
  if (!ROOTS.includes(segments[0]!) || segments.length < 2) return null;
  // build output is not tracked: `apps/server/dist/…` exists only after `pnpm build`
  if (segments.includes("dist") || segments.includes("node_modules")) return null;
  if (/[*<>{}$|?[\]()…]|\.\.\./.test(path)) return null;
  return path.replace(/\/$/, "");
}

/** Inside a package, a backticked `src/…` path is the package's own. */
function packagePath(pkg: string, text: string): string | null {
  if (!text.startsWith("src/")) return null;
  const path = repoPath(`packages/${text}`);
  return path === null ? null : `${pkg}${path.slice("packages/".length)}`;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** Joins and normalises `a/b` + `../c`; a path climbing above the root stays as `../…`. */
export function joinPath(dir: string, rel: string): string {
  const parts: string[] = [];
  for (const part of `${dir}/${rel}`.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}
