#!/usr/bin/env node
// Brings a fresh clone to a runnable state with nothing but Node ≥ 20 and npm:
// pnpm 12.4.2 (installed with npm when missing; corepack does not work here, docs/stack.md §3),
// the locked dependencies, and the build. Every step is idempotent and quick when already done.
// Flags: --test-tools also installs the Debian packages the end-to-end tests drive (chromium,
// ansible, lintian, rpm, rpmlint, debhelper) when they are missing and this runs as root on Debian,
// and fetches the official Node.js binaries the agent is tested on (scripts/node-binaries.mjs; cached
// in ~/.cache/kdumpwatch/node, outside the repository, so only the first run downloads them).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PNPM_VERSION = "12.4.2";
const log = (msg) => process.stderr.write(`bootstrap: ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) {
    log(`\`${cmd} ${args.join(" ")}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function pnpmVersion() {
  try {
    return execFileSync("pnpm", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

function ensurePnpm() {
  if (pnpmVersion() === PNPM_VERSION) return ["pnpm"];
  log(`installing pnpm ${PNPM_VERSION} with npm`);
  const r = spawnSync("npm", ["i", "-g", `pnpm@${PNPM_VERSION}`], { stdio: "inherit" });
  if (r.status === 0 && pnpmVersion() === PNPM_VERSION) return ["pnpm"];
  log(`global install not possible; using npx pnpm@${PNPM_VERSION}`);
  return ["npx", "-y", `pnpm@${PNPM_VERSION}`];
}

/** Debian packages the end-to-end tests drive for real: the dashboard's browser, the
 * packaging and Ansible checks, promtool and Alertmanager for the monitoring files, HAProxy for scale-out. */
const TEST_TOOLS = [
  { bin: "/usr/bin/chromium", pkg: "chromium" },
  { bin: "/usr/bin/ansible-playbook", pkg: "ansible" },
  { bin: "/usr/bin/ansible-lint", pkg: "ansible-lint" },
  { bin: "/usr/bin/lintian", pkg: "lintian" },
  { bin: "/usr/bin/dh", pkg: "debhelper" },
  { bin: "/usr/bin/rpmbuild", pkg: "rpm" },
  { bin: "/usr/bin/rpmlint", pkg: "rpmlint" },
  { bin: "/usr/bin/promtool", pkg: "prometheus" },
  { bin: "/usr/bin/prometheus-alertmanager", pkg: "prometheus-alertmanager" },
  { bin: "/usr/bin/systemd-analyze", pkg: "systemd" },
  { bin: "/usr/sbin/haproxy", pkg: "haproxy" },
];

function ensureTestTools() {
  const missing = TEST_TOOLS.filter((t) => !existsSync(t.bin)).map((t) => t.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    log(
      `missing for the end-to-end tests: Debian's ${missing.join(", ")} (apt-get install ${missing.join(" ")})`,
    );
    return;
  }
  log(`installing Debian's ${missing.join(", ")} for the end-to-end tests`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

const [pnpm, ...pre] = ensurePnpm();
if (process.argv.includes("--test-tools")) {
  ensureTestTools();
  run(process.execPath, [new URL("./node-binaries.mjs", import.meta.url).pathname], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}
if (process.env.KDUMPWATCH_SKIP_INSTALL !== "1")
  run(pnpm, [...pre, "install", "--frozen-lockfile", "--reporter=silent"]);
if (process.env.KDUMPWATCH_SKIP_BUILD !== "1") run(pnpm, [...pre, "build"]);
