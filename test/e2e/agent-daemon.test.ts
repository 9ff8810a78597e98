/**
 * The REAL agent bundle against the REAL server bundle (PGlite in a temp dir): `run --once`, and `run`
 * as a daemon reading capture directories built from the repo's fixtures. The daemon must survive a
 * server SIGKILL + restart and report again, report a changed capture within its interval, and
 * report at once on SIGHUP. Build first: `pnpm -r build` (agent and server bundles).
 */
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type HostDetail, HostDetailSchema, HostListSchema, type HostSummary } from "@kdumpwatch/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AgentProcess, copyCapture, killAllAgents } from "./support/agents.ts";
import { holdLock, PACKAGING_LOCK, PACKAGING_LOCK_WAIT_SECONDS } from "./support/machine-lock.ts";
import {
  freePort,
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  sleep,
  tempDir,
} from "./support/server-process.ts";

const ENROLL = "e2e-enroll-token-0001";
const ADMIN = "e2e-admin-token-0001";

/** the agents log at debug level: the tests read their log lines */
const DEBUG = { KDUMPWATCH_LOG_LEVEL: "debug" };
/** the server's base URL, on a port fixed for its restart */
let base = "";

/** `kdumpwatch-agent run <args>` */
const startAgent = (args: string[]) => AgentProcess.run(args, DEBUG);

/** A temp copy of a capture (product.md §3) that is one distinct host; the test edits it freely. */
const makeCapture = (machineId: string, hostname: string) =>
  copyCapture("ubuntu-2404-ready", hostname, machineId);

/** The agent as a daemon (`run` without --once), enrolling, collecting every `intervalSec`. */
const startDaemon = (capture: string, intervalSec: number) =>
  startAgent([
    "--server",
    base,
    "--enroll-token",
    ENROLL,
    "--state-dir",
    tempDir("kdw-state-"),
    "--root",
    capture,
    "--interval",
    String(intervalSec),
  ]);

describe("kdumpwatch-agent run against the real server", () => {
  let server: ServerProcess;

  async function host(hostname: string): Promise<HostSummary | undefined> {
    const list = await server.api(`/api/hosts?q=${encodeURIComponent(hostname)}&limit=50`, HostListSchema);
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
        const detail = await server.api(`/api/hosts/${h.id}`, HostDetailSchema);
        if (ok(detail)) return { detail, waitedMs: Date.now() - start };
      }
      if (Date.now() - start > timeoutMs)
        throw new Error(`no matching snapshot of ${hostname} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /** polls until the host's latest stored snapshot is another one than `previous` */
  const untilChanged = (hostname: string, previous: { detail: HostDetail }, timeoutMs: number) =>
    untilSnapshot(
      hostname,
      (d) => d.snapshot !== null && d.snapshot.hash !== previous.detail.snapshot?.hash,
      timeoutMs,
    );

  beforeAll(async () => {
    requireBundles();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await ServerProcess.started({
      adminToken: ADMIN,
      enrollToken: ENROLL,
      env: { PORT: String(port), KDUMPWATCH_DATA_DIR: tempDir("kdw-e2e-data-"), KDUMPWATCH_HEARTBEAT: "5" },
    });
  });

  afterAll(async () => {
    await Promise.all([killAllAgents(), killAllServers()]);
    removeTempDirs();
  });

  test("--once enrolls, sends one snapshot, waits for its ack and exits 0; the credential is kept 0600", async () => {
    const state = tempDir("kdw-state-");
    const capture = makeCapture("11111111111111111111111111111111", "once-host");
    const agent = AgentProcess.once({
      server: base,
      root: capture,
      stateDir: state,
      enrollToken: ENROLL,
      env: DEBUG,
    });
    expect((await agent.exit).code, agent.output).toBe(0);
    expect(agent.output).toMatch(/msg="snapshot acknowledged" seq=1/);
    expect((statSync(join(state, "credential.json")).mode & 0o777).toString(8)).toBe("600");
    const h = await host("once-host");
    expect(h, "the server lists the host").toBeDefined();
    expect(h?.machineId).toBe("11111111111111111111111111111111");

    const again = AgentProcess.once({
      server: base,
      root: capture,
      stateDir: state,
      env: { ...DEBUG, KDUMPWATCH_ENROLL_TOKEN: "" },
    });
    expect((await again.exit).code, `the stored credential is enough: ${again.output}`).toBe(0);
    expect(again.output).toContain("auth=credential");
  });

  test("--once with a refused enrollment token exits 2 and says so", async () => {
    const agent = AgentProcess.once({
      server: base,
      root: makeCapture("22222222222222222222222222222222", "refused-host"),
      stateDir: tempDir("kdw-state-"),
      enrollToken: "not-the-right-token",
      env: DEBUG,
    });
    expect((await agent.exit).code, agent.output).toBe(2);
    expect(agent.output).toContain("kdumpwatch-agent: run: enrollment token refused by the server");
  });

  test("--once against a server that is not there exits 2 naming the URL", async () => {
    const nobody = await freePort();
    const agent = AgentProcess.once({
      server: `http://127.0.0.1:${nobody}`,
      root: makeCapture("33333333333333333333333333333333", "lonely-host"),
      stateDir: tempDir("kdw-state-"),
      enrollToken: ENROLL,
      env: DEBUG,
    });
    expect((await agent.exit).code, agent.output).toBe(2);
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
  ])(
    "bad configuration exits 64 naming the setting (%#)",
    async (args, message) => {
      const agent = startAgent([
        ...args,
        "--state-dir",
        tempDir("kdw-state-"),
        "--config",
        join(tempDir("kdw-cfg-"), "none.json"),
      ]);
      // --config pointing to a missing file is itself an error; use the default path instead when testing others
      expect((await agent.exit).code).toBe(64);
      expect(agent.output).toMatch(/config file .*none\.json: no such file|run: /);
      // without --config the agent reads /etc/kdumpwatch/agent.json, which packaging-deb and
      // ansible-role install on this machine while they hold the packaging lock (a clean-clone CI run
      // read theirs): hold it too, so the default path is the machine's own (none) for this run
      const lock = await holdLock(PACKAGING_LOCK, PACKAGING_LOCK_WAIT_SECONDS);
      try {
        const withoutConfig = startAgent([...args, "--state-dir", tempDir("kdw-state-")]);
        expect((await withoutConfig.exit).code, withoutConfig.output).toBe(64);
        expect(withoutConfig.output).toMatch(message);
      } finally {
        lock.kill();
      }
    },
    (PACKAGING_LOCK_WAIT_SECONDS + 60) * 1000,
  );

  test("the daemon reports a changed capture within its interval, and at once on SIGHUP", async () => {
    const capture = makeCapture("44444444444444444444444444444444", "daemon-host");
    const agent = startDaemon(capture, 3);
    const first = await untilSnapshot("daemon-host", (d) => d.snapshot !== null, 30_000);

    // a changed capture: reported by the periodic collection, within one interval (+ slack)
    writeFileSync(join(capture, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=1G\n");
    const changed = await untilChanged("daemon-host", first, 3_000 + 5_000);
    expect(changed.detail.sources?.cmdline).toMatchObject({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=1G\n",
    });
    expect(agent.alive).toBe(true);
    expect((await agent.kill("SIGTERM")).code, "SIGTERM stops the daemon cleanly").toBe(0);

    // SIGHUP: an agent with a one-hour interval reports a change as soon as it is told to
    const hupCapture = makeCapture("55555555555555555555555555555555", "hup-host");
    const slow = startDaemon(hupCapture, 3600);
    const before = await untilSnapshot("hup-host", (d) => d.snapshot !== null, 30_000);
    writeFileSync(join(hupCapture, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz crashkernel=2G\n");
    await sleep(500);
    expect((await untilSnapshot("hup-host", () => true, 1_000)).detail.snapshot?.hash).toBe(
      before.detail.snapshot?.hash,
    );
    slow.child.kill("SIGHUP");
    const after = await untilChanged("hup-host", before, 5_000);
    expect(after.detail.sources?.cmdline).toMatchObject({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz crashkernel=2G\n",
    });
    expect(slow.output).toContain('msg="SIGHUP: collecting now"');
    await slow.kill("SIGTERM");
  });

  test("the daemon keeps running through a server SIGKILL and restart, then reports again", async () => {
    const capture = makeCapture("66666666666666666666666666666666", "survivor");
    const agent = startDaemon(capture, 2);
    const first = await untilSnapshot("survivor", (d) => d.snapshot !== null, 30_000);
    await agent.waitFor(/msg="connected"/, 10_000);

    await server.kill("SIGKILL");
    await agent.waitFor(/msg="disconnected"/, 15_000);
    writeFileSync(join(capture, "proc/cmdline"), "BOOT_IMAGE=/vmlinuz crashkernel=768M\n");
    // the agent collects the change while the server is down (its next collection, within its 2 s
    // interval; was a 4 s sleep), and keeps retrying
    await agent.waitFor(/msg="evidence changed"/, 15_000);
    await agent.waitFor(/msg="connection failed"/, 15_000);
    expect(agent.alive, `the agent must not exit on server trouble:\n${agent.output}`).toBe(true);
    expect(agent.count(/msg="connection failed"/), "it keeps trying").toBeGreaterThan(0);

    server = await server.restart();
    await agent.waitFor(/msg="connected"/, 60_000, 2);
    const after = await untilChanged("survivor", first, 30_000);
    expect(after.detail.sources?.cmdline).toMatchObject({
      ok: true,
      text: "BOOT_IMAGE=/vmlinuz crashkernel=768M\n",
    });
    expect(agent.alive).toBe(true);
    if (process.env.KDW_E2E_VERBOSE) console.log(agent.output);
    expect((await agent.kill("SIGTERM")).code).toBe(0);
  }, 180_000); // backoff after a few refused connections can reach a 24-48 s window (by design)
});
