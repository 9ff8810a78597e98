#!/usr/bin/env node
// The main job on one machine: the server on embedded PostgreSQL (PGlite, data in ./data), the
// dashboard it serves, and this machine's own agent reporting to it as a daemon.
// `--demo` also brings up a simulated fleet of a few hundred hosts to explore.
// Run through `npm start` (which bootstraps and builds first).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    demo: { type: "boolean", default: false },
    port: { type: "string", default: process.env.PORT ?? "8080" },
    "data-dir": { type: "string", default: process.env.KDUMPWATCH_DATA_DIR ?? join(root, "data") },
  },
});
const dataDir = resolve(values["data-dir"]);
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

/** A secret kept in the data directory so restarts keep the same tokens. */
function persistentSecret(name, fromEnv) {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(24).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const adminToken = persistentSecret("local-admin-token", process.env.KDUMPWATCH_ADMIN_TOKEN);
const enrollToken = persistentSecret("local-enroll-token", process.env.KDUMPWATCH_ENROLL_TOKEN);
const children = [];

function start(name, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  child.on("exit", (code, signal) => {
    process.stderr.write(`${name} exited (${code ?? signal})\n`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null))).then(
    () => process.exit(code),
  );
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

const server = start("server", [join(root, "apps/server/dist/kdumpwatch-server.mjs")], {
  PORT: values.port,
  KDUMPWATCH_DATA_DIR: join(dataDir, "pglite"),
  KDUMPWATCH_ADMIN_TOKEN: adminToken,
  KDUMPWATCH_ENROLL_TOKEN: enrollToken,
  // the server's JSON log lines would bury the banner below; KDUMPWATCH_LOG_LEVEL=info shows them
  KDUMPWATCH_LOG_LEVEL: process.env.KDUMPWATCH_LOG_LEVEL ?? "warn",
});

let buffered = "";
server.stdout.setEncoding("utf8");
server.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (buffered === null) return;
  buffered += chunk;
  const m = /kdumpwatch-server listening on (\S+)/.exec(buffered);
  if (!m) return;
  buffered = null;
  onListening(m[1]);
});

function onListening(url) {
  process.stdout.write(
    [
      "",
      `  kdumpwatch is up:   ${url}/`,
      `  admin token:        ${adminToken}   (paste it on the sign-in page; kept in ${join(dataDir, "local-admin-token")})`,
      `  enrollment token:   ${enrollToken}`,
      "  this machine's agent is reporting to it; Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
  const agent = start(
    "agent",
    [
      join(root, "apps/agent/dist/kdumpwatch-agent.cjs"),
      "run",
      "--server",
      url,
      "--enroll-token",
      enrollToken,
      "--state-dir",
      join(dataDir, "agent"),
    ],
    {},
  );
  agent.stdout.pipe(process.stdout);
  if (values.demo) {
    const sim = spawn(
      "pnpm",
      [
        "sim",
        "--server",
        url,
        "--enroll-token",
        enrollToken,
        "--agents",
        "300",
        "--duration",
        "0",
        "--change-rate",
        "0.01",
      ],
      { cwd: root, stdio: "inherit" },
    );
    children.push(sim);
  }
}
