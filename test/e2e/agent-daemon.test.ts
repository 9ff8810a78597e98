/**
 * The REAL agent bundle against the REAL server bundle (PGlite in a temp dir): `run --once`, and `run`
 * as a daemon reading capture directories built from the repo's fixtures. The daemon must survive a
 * server SIGKILL + restart and report again, report a changed capture within its interval, and
 * report at once on SIGHUP. Build first: `pnpm -r build` (agent and server bundles).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type HostDetail, HostDetailSchema, HostListSchema, type HostSummary } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const agentBundle = join(repo, "apps/agent/dist/kdumpwatch-agent.mjs");
const serverBundle = join(repo, "apps/server/dist/kdumpwatch-server.mjs");
const ENROLL = "e2e-enroll-token-0001";
const ADMIN = "e2e-admin-token-0001";

const children = new Set<ChildProcess>();
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process whose output we keep, and can wait on. */
class Proc {
  output = "";
  exit: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    children.add(child);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (this.output += d));
    this.exit = new Promise((r) =>
      child.once("exit", (code) => {
        children.delete(child);
        r(code);
      }),
    );
  }
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  count(pattern: RegExp): number {
    return [...this.output.matchAll(new RegExp(pattern.source, "g"))].length;
  }
  async waitFor(pattern: RegExp, timeoutMs: number, times = 1): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.count(pattern) < times) {
      if (Date.now() > until)
        throw new Error(`timed out waiting for ${pattern} (x${times}); output:\n${this.output}`);
      await sleep(50);
    }
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * A temp copy of a capture (product.md §3) from test/captures, given its own machine-id and hostname
 * so that each simulated host is a distinct host for the server; the test edits the copy freely.
 */
function makeCapture(machineId: string, hostname: string): string {
  const root = tmp(`kdw-cap-${hostname}-`);
  cpSync(join(repo, "test/captures/ubuntu-2404-ready"), root, { recursive: true });
  writeFileSync(join(root, "etc/machine-id"), `${machineId}\n`);
  writeFileSync(join(root, "etc/hostname"), `${hostname}\n`);
  return root;
}

function startAgent(args: string[], env: Record<string, string> = {}): Proc {
  return new Proc(
    spawn(process.execPath, [agentBundle, "run", ...args], {
      env: { PATH: process.env.PATH ?? "", KDUMPWATCH_LOG_LEVEL: "debug", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
}

describe("kdumpwatch-agent run against the real server", () => {
  let port = 0;
  let base = "";
  let dataDir = "";
  let server: Proc;

  async function startServer(): Promise<Proc> {
    const proc = new Proc(
      spawn(process.execPath, [serverBundle], {
        env: {
          PATH: process.env.PATH ?? "",
          PORT: String(port),
          HOST: "127.0.0.1",
          KDUMPWATCH_DATA_DIR: dataDir,
          KDUMPWATCH_ENROLL_TOKEN: ENROLL,
          KDUMPWATCH_ADMIN_TOKEN: ADMIN,
          KDUMPWATCH_HEARTBEAT: "5",
        },
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    await proc.waitFor(/kdumpwatch-server listening on http:\/\/127\.0\.0\.1:\d+/, 60_000);
    return proc;
  }

  async function api<T>(path: string, schema: { parse(v: unknown): T }): Promise<T> {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const body = await res.text();
    expect(res.status, `${path}: ${body}`).toBe(200);
    return schema.parse(JSON.parse(body));
  }

  async function host(hostname: string): Promise<HostSummary | undefined> {
    const list = await api(`/api/hosts?q=${encodeURIComponent(hostname)}&limit=50`, HostListSchema);
    return list.hosts.find((h) => h.hostname === hostname);
  }

  /** polls until the host's latest stored snapshot satisfies `ok`; returns it and how long it took */
  async function untilSnapshot(
    hostname: string,
    ok: (d: HostDetail) => boolean,
    timeoutMs: number,
  ): Promise<{ detail: HostDetail; waitedMs: number }> {
    const start = Date.now();
    for (;;) {
      const h = await host(hostname);
      if (h !== undefined) {
        const detail = await api(`/api/hosts/${h.id}`, HostDetailSchema);
        if (ok(detail)) return { detail, waitedMs: Date.now() - start };
      }
      if (Date.now() - start > timeoutMs)
        throw new Error(`no matching snapshot of ${hostname} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    for (const bundle of [agentBundle, serverBundle]) {
      expect(existsSync(bundle), `${bundle} is missing: run pnpm -r build first`).toBe(true);
    }
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = tmp("kdw-e2e-data-");
    server = await startServer();
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
  });

  test("--once enrolls, sends one snapshot, waits for its ack and exits 0; the credential is kept 0600", async () => {
    const state = tmp("kdw-state-");
    const capture = makeCapture("11111111111111111111111111111111", "once-host");
    const agent = startAgent([
      "--server",
      base,
      "--enroll-token",
      ENROLL,
      "--state-dir",
      state,
      "--root",
      capture,
      "--once",
    ]);
    expect(await agent.exit, agent.output).toBe(0);
    expect(agent.output).toMatch(/msg="snapshot acknowledged" seq=1/);
    expect((statSync(join(state, "credential.json")).mode & 0o777).toString(8)).toBe("600");
    const h = await host("once-host");
    expect(h, "the server lists the host").toBeDefined();
    expect(h?.machineId).toBe("11111111111111111111111111111111");

    const again = startAgent(["--server", base, "--state-dir", state, "--root", capture, "--once"], {
      KDUMPWATCH_ENROLL_TOKEN: "",
    });
    expect(await again.exit, `the stored credential is enough: ${again.output}`).toBe(0);
    expect(again.output).toContain("auth=credential");
  });

  test("--once with a refused enrollment token exits 2 and says so", async () => {
    const agent = startAgent([
      "--server",
      base,
      "--enroll-token",
      "not-the-right-token",
      "--state-dir",
      tmp("kdw-state-"),
      "--root",
      makeCapture("22222222222222222222222222222222", "refused-host"),
      "--once",
    ]);
    expect(await agent.exit, agent.output).toBe(2);
    expect(agent.output).toContain("kdumpwatch-agent: run: enrollment token refused by the server");
  });

  test("--once against a server that is not there exits 2 naming the URL", async () => {
    const nobody = await freePort();
    const agent = startAgent([
      "--server",
      `http://127.0.0.1:${nobody}`,
      "--enroll-token",
      ENROLL,
      "--state-dir",
      tmp("kdw-state-"),
      "--root",
      makeCapture("33333333333333333333333333333333", "lonely-host"),
      "--once",
    ]);
    expect(await agent.exit, agent.output).toBe(2);
    expect(agent.output).toContain(
      `kdumpwatch-agent: run: cannot reach ws://127.0.0.1:${nobody}/api/agent/ws`,
    );
  });

  test.each([
    [
      ["--server", "http://x", "--enroll-token", "t", "--interval", "soon"],
      /run: --interval: "soon" is not a whole number/,
    ],
    [["--server", "http://x"], /no host credential in .* and no enrollment token: set --enroll-token/],
    [["--enroll-token", "t"], /no server configured: set --server URL, KDUMPWATCH_SERVER/],
  ])("bad configuration exits 64 naming the setting (%#)", async (args, message) => {
    const agent = startAgent([
      ...args,
      "--state-dir",
      tmp("kdw-state-"),
      "--config",
      join(tmp("kdw-cfg-"), "none.json"),
    ]);
    // --config pointing to a missing file is itself an error; use the default path instead when testing others
    expect(await agent.exit).toBe(64);
    expect(agent.output).toMatch(/config file .*none\.json: no such file|run: /);
    const withoutConfig = startAgent([...args, "--state-dir", tmp("kdw-state-")]);
    expect(await withoutConfig.exit, withoutConfig.output).toBe(64);
    expect(withoutConfig.output).toMatch(message);
  });

  test("the daemon reports a changed capture within its interval, and at once on SIGHUP", async () => {
    const capture = makeCapture("44444444444444444444444444444444", "daemon-host");
    const agent = startAgent([
      "--server",
      base,
      "--enroll-token",
      ENROLL,
      "--state-dir",
      tmp("kdw-state-"),
      "--root",
      capture,
      "--interval",
      "3",
    ]);
    const first = await untilSnapshot("daemon-host", (d) => d.snapshot !== null, 30_000);

    // a changed capture: reported by the periodic collection, within one interval (+ slack)
    writeFileSync(join(capture, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=1G\n");
    const changed = await untilSnapshot(
      "daemon-host",
      (d) => d.snapshot !== null && d.snapshot.hash !== first.detail.snapshot?.hash,
      3_000 + 5_000,
    );
    expect(changed.detail.sources?.cmdline).toMatchObject({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=1G\n",
    });
    expect(agent.alive).toBe(true);
    agent.child.kill("SIGTERM");
    expect(await agent.exit, "SIGTERM stops the daemon cleanly").toBe(0);

    // SIGHUP: an agent with a one-hour interval reports a change as soon as it is told to
    const hupCapture = makeCapture("55555555555555555555555555555555", "hup-host");
    const slow = startAgent([
      "--server",
      base,
      "--enroll-token",
      ENROLL,
      "--state-dir",
      tmp("kdw-state-"),
      "--root",
      hupCapture,
      "--interval",
      "3600",
    ]);
    const before = await untilSnapshot("hup-host", (d) => d.snapshot !== null, 30_000);
    writeFileSync(join(hupCapture, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz crashkernel=2G\n");
    await sleep(500);
    expect((await untilSnapshot("hup-host", () => true, 1_000)).detail.snapshot?.hash).toBe(
      before.detail.snapshot?.hash,
    );
    slow.child.kill("SIGHUP");
    const after = await untilSnapshot(
      "hup-host",
      (d) => d.snapshot !== null && d.snapshot.hash !== before.detail.snapshot?.hash,
      5_000,
    );
    expect(after.detail.sources?.cmdline).toMatchObject({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz crashkernel=2G\n",
    });
    expect(slow.output).toContain('msg="SIGHUP: collecting now"');
    slow.child.kill("SIGTERM");
    await slow.exit;
  });

  test("the daemon keeps running through a server SIGKILL and restart, then reports again", async () => {
    const capture = makeCapture("66666666666666666666666666666666", "survivor");
    const agent = startAgent([
      "--server",
      base,
      "--enroll-token",
      ENROLL,
      "--state-dir",
      tmp("kdw-state-"),
      "--root",
      capture,
      "--interval",
      "2",
    ]);
    const first = await untilSnapshot("survivor", (d) => d.snapshot !== null, 30_000);
    await agent.waitFor(/msg="connected"/, 10_000);

    server.child.kill("SIGKILL");
    await server.exit;
    await agent.waitFor(/msg="disconnected"/, 15_000);
    writeFileSync(join(capture, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz crashkernel=768M\n");
    await sleep(4_000); // the agent collects the change while the server is down, and keeps retrying
    expect(agent.alive, `the agent must not exit on server trouble:\n${agent.output}`).toBe(true);
    expect(agent.count(/msg="connection failed"/), "it keeps trying").toBeGreaterThan(0);

    server = await startServer();
    await agent.waitFor(/msg="connected"/, 60_000, 2);
    const after = await untilSnapshot(
      "survivor",
      (d) => d.snapshot !== null && d.snapshot.hash !== first.detail.snapshot?.hash,
      30_000,
    );
    expect(after.detail.sources?.cmdline).toMatchObject({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz crashkernel=768M\n",
    });
    expect(agent.alive).toBe(true);
    if (process.env.KDW_E2E_VERBOSE) console.log(agent.output);
    agent.child.kill("SIGTERM");
    expect(await agent.exit).toBe(0);
  }, 180_000); // backoff after a few refused connections can reach a 24-48 s window (by design)
});
