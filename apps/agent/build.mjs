// Bundles the agent into ONE file that runs on plain `node` ≥ 18 without node_modules
// (stack.md §10): esm, createRequire banner for CommonJS dependencies (ws), minified.
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
const outfile = join(here, "dist/kdumpwatch-agent.mjs");
const BUDGET_BYTES = 300 * 1000;

await build({
  entryPoints: [join(here, "src/main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node18",
  format: "esm",
  minify: true,
  legalComments: "none",
  external: ["bufferutil", "utf-8-validate"], // ws's optional native add-ons, required inside try/catch
  define: { __KDUMPWATCH_AGENT_VERSION__: JSON.stringify(version) },
  banner: {
    js: [
      "#!/usr/bin/env node",
      "import { createRequire as __kdwCreateRequire } from 'node:module';",
      "const require = __kdwCreateRequire(import.meta.url);",
    ].join("\n"),
  },
  logLevel: "warning",
});

const size = statSync(outfile).size;
console.log(`agent bundle: ${outfile} ${(size / 1000).toFixed(1)} kB (budget ${BUDGET_BYTES / 1000} kB)`);
if (size > BUDGET_BYTES) {
  console.error(`agent bundle is over its ${BUDGET_BYTES / 1000} kB budget`);
  process.exit(1);
}
