// Bundles the server (src/main.ts + the workspace packages) into dist/kdumpwatch-server.mjs.
// npm packages stay external (installed beside it); PGlite in particular must, since it loads its
// wasm and data files from its own directory. The migrations are copied to dist/drizzle, where
// @kdumpwatch/db looks for them first.
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const here = new URL(".", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", here), "utf8"));
const workspace = (name) => name.startsWith("@kdumpwatch/");
const npmDeps = new Set();
for (const p of [
  "package.json",
  "../../packages/db/package.json",
  "../../packages/protocol/package.json",
  "../../packages/core/package.json",
]) {
  const deps = JSON.parse(readFileSync(new URL(p, here), "utf8")).dependencies ?? {};
  for (const name of Object.keys(deps)) if (!workspace(name)) npmDeps.add(name);
}

/** The commit the bundle was built from (kdumpwatch_build_info); "unknown" outside a git checkout. */
function revision() {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: here, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

rmSync(new URL("dist/drizzle", here), { recursive: true, force: true });
/** ESM for Node 20 with a `require` for CommonJS dependencies; every npm package (and its subpaths)
 * stays external, only workspace code is bundled. */
const nodeBundle = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external: [...npmDeps].flatMap((name) => [name, `${name}/*`]),
  banner: {
    js: "import { createRequire as __kdwRequire } from 'node:module'; const require = __kdwRequire(import.meta.url);",
  },
  logLevel: "warning",
};
await build({
  ...nodeBundle,
  entryPoints: [new URL("src/main.ts", here).pathname],
  outfile: new URL("dist/kdumpwatch-server.mjs", here).pathname,
  define: {
    __KDUMPWATCH_VERSION__: JSON.stringify(pkg.version),
    __KDUMPWATCH_REVISION__: JSON.stringify(revision()),
  },
});
// the judge worker thread (src/services/judge-pool.ts looks for it beside the bundle)
await build({
  ...nodeBundle,
  entryPoints: [new URL("src/judge-worker.ts", here).pathname],
  outfile: new URL("dist/judge-worker.mjs", here).pathname,
});
cpSync(new URL("../../packages/db/drizzle", here), new URL("dist/drizzle", here), { recursive: true });
chmodSync(new URL("dist/kdumpwatch-server.mjs", here), 0o755);
// the manual pages, from the same command-line definition as the parser and --help (src/cli-program.ts)
const pages = await build({
  entryPoints: [new URL("src/man-pages.ts", here).pathname],
  write: false,
  bundle: true,
  platform: "node",
  format: "esm",
  logLevel: "warning",
});
const { serverManPages } = await import(
  `data:text/javascript;base64,${Buffer.from(pages.outputFiles[0].text).toString("base64")}`
);
const manDir = new URL("dist/man/", here);
rmSync(manDir, { recursive: true, force: true });
mkdirSync(manDir, { recursive: true });
let date = new Date().toISOString().slice(0, 10);
try {
  date = execFileSync("git", ["log", "-1", "--format=%cs"], { encoding: "utf8" }).trim() || date;
} catch {}
for (const page of serverManPages(date)) writeFileSync(new URL(page.file, manDir), page.text);
console.log(`built dist/kdumpwatch-server.mjs and dist/man (${pkg.name})`);
