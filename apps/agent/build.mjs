// Builds the agent into ONE file, dist/kdumpwatch-agent.cjs, that runs on plain `node` ≥ 10.19
// without node_modules, and its manual pages, dist/man/*.8, from the same command-line definition.
//
// The file is a launcher written in ES5 (it parses on any Node, even 0.10) that refuses a Node older
// than 10.19 with one line and exit 70, then runs the bundle it carries deflated (raw DEFLATE, base64;
// node's own zlib inflates it, every Node has inflateRawSync) — minified code is mostly identifiers and
// message text, so this keeps the file at about a third of the code's size. The bundle: CommonJS,
// syntax lowered by esbuild to what Node 10.19 parses (target node10.19), `node:` prefixes stripped
// (Node < 14.18 has none), `fs/promises` redirected to src/compat/fs-promises.ts. Library features
// newer than Node 10.19 are filled in by src/compat/legacy-builtins.ts, and the runtime audit
// (src/compat/runtime-audit.test.ts) fails on any other.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
const outfile = join(here, "dist/kdumpwatch-agent.cjs");
const BUDGET_BYTES = 300 * 1000;
export const MIN_NODE = "10.19.0";

/** `node:fs/promises` and `fs/promises` → the compat module (Node 10 and 12 have no such module). */
const fsPromisesShim = {
  name: "fs-promises-shim",
  setup(b) {
    const shim = join(here, "src/compat/fs-promises.ts");
    b.onResolve({ filter: /^(node:)?fs\/promises$/ }, (args) =>
      args.importer === shim ? undefined : { path: shim },
    );
  },
};

const define = { __KDUMPWATCH_AGENT_VERSION__: JSON.stringify(version) };
const bundled = await build({
  entryPoints: [join(here, "src/main.ts")],
  write: false,
  outfile,
  bundle: true,
  platform: "node",
  target: `node${MIN_NODE.replace(/\.0$/, "")}`,
  format: "cjs",
  minify: true,
  legalComments: "none",
  external: ["bufferutil", "utf-8-validate"], // ws's optional native add-ons, required inside try/catch
  plugins: [fsPromisesShim],
  define,
  logLevel: "warning",
});
const code = bundled.outputFiles[0].text;
if (/require\("node:|require\("fs\/promises"\)/.test(code)) {
  throw new Error("the bundle still requires a node: or fs/promises module, which Node 10.19 lacks");
}
const packed = deflateRawSync(Buffer.from(code, "utf8"), { level: 9 }).toString("base64");

const launcher = `#!/usr/bin/env node
// kdumpwatch-agent ${version}: can this host capture a kernel crash dump right now?
// This launcher is ES5 on purpose: any Node parses it, so a Node older than ${MIN_NODE} is told so
// in one line and exits 70 instead of failing with a SyntaxError (exit 1 = "at_risk").
// The agent itself is the deflated, base64 string below (CommonJS, built for Node ${MIN_NODE} from
// apps/agent/src by apps/agent/build.mjs); test/e2e/agent-old-node.test.ts shows how to read it.
var KDUMPWATCH_AGENT_MIN_NODE = ${JSON.stringify(MIN_NODE)};
(function () {
  var have = String(process.versions && process.versions.node).split(".");
  var need = KDUMPWATCH_AGENT_MIN_NODE.split(".");
  for (var i = 0; i < 3; i++) {
    var a = Number(have[i]) || 0, b = Number(need[i]);
    if (a > b) return;
    if (a < b) {
      process.stderr.write("kdumpwatch-agent: Node.js " + process.version + " is too old; kdumpwatch-agent needs Node.js " + KDUMPWATCH_AGENT_MIN_NODE + " or later\\n");
      process.exit(70);
    }
  }
})();
try {
  require("vm").runInThisContext("(function (exports, require, module, __filename, __dirname) {" + require("zlib").inflateRawSync(Buffer.from(${JSON.stringify(packed)}, "base64")).toString("utf8") + "\\n})", { filename: __filename })(exports, require, module, __filename, __dirname);
} catch (err) {
  process.stderr.write("kdumpwatch-agent: internal error: " + (err && err.message ? err.message : String(err)) + "\\n");
  process.exit(70);
}
`;
mkdirSync(dirname(outfile), { recursive: true });
rmSync(join(here, "dist/kdumpwatch-agent.mjs"), { force: true }); // the name before the Node 10 build
writeFileSync(outfile, launcher);
chmodSync(outfile, 0o755);

await writeManPages();

const size = Buffer.byteLength(launcher);
console.log(`agent bundle: ${outfile} ${(size / 1000).toFixed(1)} kB (budget ${BUDGET_BYTES / 1000} kB)`);
if (size > BUDGET_BYTES) {
  console.error(`agent bundle is over its ${BUDGET_BYTES / 1000} kB budget`);
  process.exit(1);
}

/** dist/man/kdumpwatch-agent*.8 from src/cli/program.ts, dated by the last commit (reproducible). */
async function writeManPages() {
  const pages = await build({
    entryPoints: [join(here, "src/cli/man-pages.ts")],
    write: false,
    bundle: true,
    platform: "node",
    format: "esm",
    define,
    logLevel: "warning",
  });
  const source = pages.outputFiles[0].text;
  const { agentManPages } = await import(
    `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`
  );
  const dir = join(here, "dist/man");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const page of agentManPages(pageDate())) writeFileSync(join(dir, page.file), page.text);
}

function pageDate() {
  if (process.env.SOURCE_DATE_EPOCH) {
    return new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString().slice(0, 10);
  }
  try {
    return execFileSync("git", ["log", "-1", "--format=%cs"], { cwd: here, encoding: "utf8" }).trim();
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}
