/**
 * Ingest end to end (product.md §4-§5): the BUILT server as a real process, REAL agents
 * (`run --once`) replaying capture directories of test/captures, the REST API read back. Then the
 * server is SIGKILLed while a burst of agents is in flight and restarted on the same data: every
 * snapshot an agent saw acknowledged (exit 0) must be there, and the agents that failed succeed when
 * retried. On embedded PGlite (a temp KDUMPWATCH_DATA_DIR, whose lock must keep a second process
 * out and must not block a restart after SIGKILL) and, when KDUMPWATCH_TEST_DATABASE_URL is set, on
 * a fresh database of that PostgreSQL server, dropped afterwards.
 *
 * Build first: `pnpm --filter @kdumpwatch/server build && pnpm --filter @kdumpwatch/agent build`.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CheckResultDto,
  type HostDetail,
  HostDetailSchema,
  HostHistorySchema,
  type HostList,
  HostListSchema,
  type HostSummary,
} from "@kdumpwatch/protocol";
import { createScratchDatabase } from "@kdumpwatch/testkit/db";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  AgentProcess,
  copyCapture,
  killAllAgents,
  machineIdFor,
  readExpected,
  runAgentAsync,
} from "./support/agents.ts";
import {
  type Exit,
  freePort,
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  sleep,
  tempDir,
  testDatabaseUrl,
} from "./support/server-process.ts";

const ADMIN = "server-ingest-e2e-admin-token";
const ENROLL = "server-ingest-e2e-enroll-token";
const pgUrl = testDatabaseUrl;

/** ready, at risk, not ready (a 1 GiB VM whose crashkernel= range gives nothing), Secure Boot rejection */
const REPLAYED = [
  "ubuntu-2404-ready",
  "rhel-9-ready",
  "debian-12-stock",
  "ubuntu-2604-1g-invalid-size",
  "secureboot-unsigned-kernel-rejected",
] as const;
type Replayed = (typeof REPLAYED)[number];

/** Evidence lines the host page must show: the kernel's / tools' own words, under the check they prove. */
const EVIDENCE: Array<{ capture: Replayed; check: string; source: string; line: string }> = [
  {
    capture: "secureboot-unsigned-kernel-rejected",
    check: "kexec.lockdown",
    source: "kdump_service_journal",
    line: "kexec_file_load failed: Operation not permitted",
  },
  {
    capture: "secureboot-unsigned-kernel-rejected",
    check: "kexec.lockdown",
    source: "dmesg",
    line: "Lockdown: kexec: kexec of unsigned images is restricted",
  },
  {
    capture: "ubuntu-2604-1g-invalid-size",
    check: "crashkernel.param",
    source: "dmesg",
    line: "crashkernel: invalid size",
  },
  {
    capture: "ubuntu-2604-1g-invalid-size",
    check: "crashkernel.reserved",
    source: "dmesg",
    line: "crashkernel: invalid size",
  },
  {
    capture: "debian-12-stock",
    check: "crashkernel.size",
    source: "dmesg",
    line: "Reserving 128MB of memory at 2928MB for crashkernel",
  },
];

/** Agents in the burst that the server is SIGKILLed under. */
const BURST = 30;
/** The kill lands once this many of them have been acknowledged (the rest are still in flight). */
const KILL_AFTER_ACKS = 6;

interface Store {
  name: "pglite" | "postgres";
  /** KDUMPWATCH_DATA_DIR or DATABASE_URL */
  env: Record<string, string>;
  /** the PGlite data directory */
  dataDir: string | null;
  dispose(): Promise<void>;
}

const stores: Array<{ name: Store["name"]; open(): Promise<Store> }> = [
  {
    name: "pglite",
    async open() {
      const dataDir = tempDir("kdw-ingest-data-");
      return { name: "pglite", env: { KDUMPWATCH_DATA_DIR: dataDir }, dataDir, async dispose() {} };
    },
  },
  ...(pgUrl
    ? [
        {
          name: "postgres" as const,
          async open(): Promise<Store> {
            const scratch = await createScratchDatabase(pgUrl);
            return {
              name: "postgres",
              env: { DATABASE_URL: scratch.url },
              dataDir: null,
              dispose: () => scratch.drop(),
            };
          },
        },
      ]
    : []),
];

interface Judged {
  verdict: string;
  checks: CheckResultDto[];
}

/** What the agent judges locally from the same capture (`check --root --json`; exit 0-3 is the verdict). */
async function judgeLocally(root: string): Promise<Judged> {
  const run = await runAgentAsync(["check", "--root", root, "--json"]);
  if (!run.stdout.startsWith("{"))
    throw new Error(`check --root ${root} --json printed no JSON (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Judged;
}

/**
 * One local judgement per capture for the whole file, started with the first copies so that it runs
 * while the server starts: the two drivers' copies of a capture differ only in /etc/machine-id,
 * which is identity, not evidence (no check reads it).
 */
const localJudgements = new Map<Replayed, Promise<Judged>>();
function localJudgement(host: SimHost): Promise<Judged> {
  let judged = localJudgements.get(host.capture);
  if (judged === undefined) {
    judged = judgeLocally(host.root);
    // awaited by the detail test; a failure is reported there, not as an unhandled rejection
    judged.catch(() => {});
    localJudgements.set(host.capture, judged);
  }
  return judged;
}

/** Every host, following nextCursor. */
async function listHosts(server: ServerProcess): Promise<HostSummary[]> {
  const hosts: HostSummary[] = [];
  let cursor: string | null = null;
  do {
    const page: HostList = await server.api(
      `/api/hosts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      HostListSchema,
    );
    hosts.push(...page.hosts);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return hosts;
}

const byHostname = (hosts: HostSummary[]) => new Map(hosts.map((h) => [h.hostname, h]));

const failOrWarn = (checks: readonly CheckResultDto[], skip: ReadonlySet<string>) =>
  checks
    .filter((c) => (c.status === "fail" || c.status === "warn") && !skip.has(c.id))
    .map((c) => c.id)
    .sort();

/** One simulated host: a capture copy, its own state directory, and the agents run for it. */
interface SimHost {
  hostname: string;
  capture: Replayed;
  root: string;
  stateDir: string;
}

function simHost(capture: Replayed, hostname: string, machineId: string): SimHost {
  return {
    hostname,
    capture,
    root: copyCapture(capture, hostname, machineId),
    stateDir: tempDir(`kdw-state-${hostname}-`),
  };
}

function runOnce(server: string, host: SimHost, timeoutSec = 30): AgentProcess {
  return AgentProcess.once({
    server,
    root: host.root,
    stateDir: host.stateDir,
    enrollToken: ENROLL,
    timeoutSec,
  });
}

/** The credential the server handed this host (written by the agent only after a `welcome`). */
function credentialOf(host: SimHost): { hostId: string } | null {
  const path = join(host.stateDir, "credential.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { hostId: string }) : null;
}

/** The host's stored report: its verdict, a snapshot whose evidence is this host's, a first transition. */
async function expectStoredReport(server: ServerProcess, summary: HostSummary, host: SimHost): Promise<void> {
  const expected = readExpected(host.capture);
  const context = `${host.hostname} (${host.capture})`;
  expect(summary.verdict, context).toBe(expected.verdict);
  const detail = await server.api(`/api/hosts/${summary.id}`, HostDetailSchema);
  expect(detail.snapshot, `${context}: the stored snapshot`).not.toBeNull();
  expect(detail.sources?.hostname, `${context}: its own evidence`).toMatchObject({
    ok: true,
    text: `${host.hostname}\n`,
  });
  expect(detail.checks.length, `${context}: the judged checks`).toBeGreaterThan(0);
  const history = await server.api(`/api/hosts/${summary.id}/history`, HostHistorySchema);
  expect(history.transitions.at(-1), `${context}: the first transition`).toMatchObject({
    from: null,
    to: expected.verdict,
  });
  expect(
    history.snapshots.map((s) => s.id),
    `${context}: the snapshot in its history`,
  ).toContain(detail.snapshot?.id);
}

describe.each(stores)("the built server on $name, fed by real agents", (driver) => {
  let store: Store;
  let server: ServerProcess;
  let base = "";
  let replayed: SimHost[] = [];

  beforeAll(async () => {
    requireBundles();
    replayed = REPLAYED.map((capture, i) =>
      simHost(capture, capture, machineIdFor(`${driver.name}-replay`, i)),
    );
    for (const host of replayed) void localJudgement(host);
    store = await driver.open();
    // a fixed port: a restarted server is where agents (and this test) expect it
    const port = await freePort();
    server = await ServerProcess.started({
      adminToken: ADMIN,
      enrollToken: ENROLL,
      env: { ...store.env, PORT: String(port), KDUMPWATCH_LOG_LEVEL: "info" },
    });
    base = await server.url();
  });

  afterAll(async () => {
    await killAllAgents();
    await server?.kill("SIGTERM");
    await killAllServers();
    await store?.dispose();
    removeTempDirs();
  });

  test("agents --once replaying ready, at-risk, not-ready and Secure Boot captures are each listed with the verdict their expected.json signs", async () => {
    const agents = replayed.map((h) => ({ host: h, agent: runOnce(base, h) }));
    for (const { host, agent } of agents) {
      const exit = await agent.exit;
      expect(exit, `${host.hostname}: run --once exits 0 once acknowledged\n${agent.output}`).toEqual({
        code: 0,
        signal: null,
      });
      expect(agent.output).toMatch(/msg="snapshot acknowledged" seq=1/);
    }

    const hosts = await listHosts(server);
    expect(hosts.map((h) => h.hostname).sort(), "one host per capture, nothing else").toEqual(
      [...REPLAYED].sort(),
    );
    const listed = byHostname(hosts);
    for (const host of replayed) {
      const expected = readExpected(host.capture);
      const summary = listed.get(host.hostname);
      expect(summary?.verdict, `${host.hostname}: verdict in GET /api/hosts`).toBe(expected.verdict);
      expect(summary?.duplicateOf, `${host.hostname}: a host of its own`).toBeNull();
      expect(summary?.stale).toBe(false);
      for (const id of expected.failing)
        expect(summary?.failing, `${host.hostname}: failing checks in the list`).toContain(id);
      if (expected.verdict === "ready") expect(summary?.failing, host.hostname).toEqual([]);
    }
  });

  test("each host's detail shows the server's judgement of the raw evidence, with the evidence lines and remediation; its history starts with the first transition", async () => {
    const listed = byHostname(await listHosts(server));
    const details = new Map<string, HostDetail>();
    for (const host of replayed) {
      const expected = readExpected(host.capture);
      const summary = listed.get(host.hostname);
      if (!summary) throw new Error(`${host.hostname} is not listed`);
      const detail = await server.api(`/api/hosts/${summary.id}`, HostDetailSchema);
      details.set(host.capture, detail);
      const context = `${host.hostname}: ${JSON.stringify(
        Object.fromEntries(detail.checks.map((c) => [c.id, `${c.status}: ${c.summary}`])),
        null,
        1,
      )}`;

      expect(detail.host.verdict, context).toBe(expected.verdict);
      expect(detail.facts, `${host.hostname}: key facts`).toMatchObject(expected.facts);
      const skip = new Set(Object.keys(expected.unasserted ?? {}));
      expect(failOrWarn(detail.checks, skip), context).toEqual(
        expected.failing.filter((id) => !skip.has(id)).sort(),
      );
      for (const check of detail.checks) {
        if (check.status === "fail" || check.status === "warn" || check.status === "unknown") {
          expect(
            check.remediation?.length,
            `${host.hostname}: ${check.id} is ${check.status} without a remediation`,
          ).toBeGreaterThan(0);
        }
      }
      // the raw text is kept as evidence: the server judged exactly what the agent read
      expect(detail.sources?.cmdline, host.hostname).toMatchObject({
        ok: true,
        text: readFileSync(join(host.root, "proc/cmdline"), "utf8"),
      });
      // and judged it as the agent itself does from the same capture (one core, two places)
      const local = await localJudgement(host);
      expect(detail.host.verdict, `${host.hostname}: server vs agent check`).toBe(local.verdict);
      expect(
        Object.fromEntries(detail.checks.map((c) => [c.id, c.status])),
        `${host.hostname}: check statuses, server vs agent check`,
      ).toEqual(Object.fromEntries(local.checks.map((c) => [c.id, c.status])));

      const history = await server.api(`/api/hosts/${summary.id}/history`, HostHistorySchema);
      expect(history.transitions, `${host.hostname}: one transition, the first judgement`).toHaveLength(1);
      expect(history.transitions[0], host.hostname).toMatchObject({
        from: null,
        to: expected.verdict,
        failing: summary.failing,
      });
      expect(history.snapshots, `${host.hostname}: one stored snapshot`).toHaveLength(1);
      expect(history.snapshots[0], host.hostname).toMatchObject({
        id: detail.snapshot?.id,
        verdict: expected.verdict,
      });
    }

    for (const e of EVIDENCE) {
      const check = details.get(e.capture)?.checks.find((c) => c.id === e.check);
      expect(check?.status, `${e.capture}: ${e.check}`).toMatch(/^(fail|warn)$/);
      expect(
        check?.evidence.some((ev) => ev.source === e.source && ev.text.includes(e.line)),
        `${e.capture}: ${e.check} shows the ${e.source} line "${e.line}"; evidence: ${JSON.stringify(check?.evidence, null, 1)}`,
      ).toBe(true);
      expect(check?.remediation?.length, `${e.capture}: ${e.check} remediation`).toBeGreaterThan(0);
    }
  });

  if (driver.name === "pglite") {
    test("a second server on the same data directory refuses to start and says which process holds it; after a SIGKILL the stale lock does not block a restart", async () => {
      const dataDir = store.dataDir as string;
      const second = ServerProcess.start({
        adminToken: ADMIN,
        enrollToken: ENROLL,
        env: { KDUMPWATCH_DATA_DIR: dataDir },
      });
      const exit = await Promise.race([second.exit, sleep(60_000).then(() => "still running" as const)]);
      expect(exit, `the second process must exit, output:\n${second.output}`).not.toBe("still running");
      expect((exit as Exit).code, second.output).not.toBe(0);
      expect(second.output, "a clear message naming the directory and the holder").toContain(
        `KDUMPWATCH_DATA_DIR ${dataDir} is in use by process ${server.pid}`,
      );
      expect(second.output, "no listening line").not.toMatch(/listening on/);
      expect(second.output, "no stack trace").not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

      // the first one never noticed
      expect(server.alive, server.output).toBe(true);
      expect((await server.fetch("/readyz")).status).toBe(200);
      expect((await listHosts(server)).length).toBe(REPLAYED.length);

      const killed = server.pid;
      expect(await server.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
      const lockFile = join(dataDir, "kdumpwatch.lock");
      expect(
        JSON.parse(readFileSync(lockFile, "utf8")),
        "SIGKILL leaves the lock file of the dead process behind",
      ).toMatchObject({ pid: killed });

      server = await server.restart();
      expect(server.pid).not.toBe(killed);
      expect(JSON.parse(readFileSync(lockFile, "utf8")), "the new process holds the lock").toMatchObject({
        pid: server.pid,
      });
      // and nothing acknowledged before the kill is lost
      const listed = byHostname(await listHosts(server));
      expect([...listed.keys()].sort()).toEqual([...REPLAYED].sort());
      for (const host of replayed) {
        const summary = listed.get(host.hostname);
        if (!summary) throw new Error(`${host.hostname} lost`);
        await expectStoredReport(server, summary, host);
      }
    });
  }

  /**
   * One burst of BURST agents with the server SIGKILLed under it once KILL_AFTER_ACKS of them were
   * acknowledged and, by their own logs, another awaited its ack; the server is restarted after
   * every agent exited, and nothing it acknowledged, nor any enrollment it confirmed, may be lost.
   */
  async function burstUnderKill(round: number) {
    const burst = Array.from({ length: BURST }, (_, i) => {
      const capture = REPLAYED[i % REPLAYED.length] as Replayed;
      const hostname = `burst-${round}-${String(i).padStart(2, "0")}`;
      return simHost(capture, hostname, machineIdFor(`${driver.name}-burst-${round}`, i));
    });
    const started = Date.now();
    const agents = burst.map((host) => ({ host, agent: runOnce(base, host, 20) }));
    const exits = new Map<string, Exit>();
    for (const { host, agent } of agents) void agent.exit.then((e) => exits.set(host.hostname, e));
    const acks = () => [...exits.values()].filter((e) => e.code === 0).length;

    // in flight = welcomed ("connected": the snapshot is on its way) and not acknowledged yet
    const midConversation = () =>
      agents.filter(
        ({ agent }) =>
          !agent.exited &&
          agent.output.includes('msg="connected"') &&
          !agent.output.includes('msg="snapshot acknowledged"'),
      );
    const until = Date.now() + 90_000;
    let inFlight = midConversation();
    while (acks() < KILL_AFTER_ACKS || inFlight.length === 0) {
      if (Date.now() > until || exits.size === BURST)
        throw new Error(
          `no moment with ${KILL_AFTER_ACKS} acknowledged and one in flight: ${acks()} of ${BURST} acknowledged, ${exits.size} exited`,
        );
      await sleep(5);
      inFlight = midConversation();
    }
    const runningAtKill = BURST - exits.size;
    const killed = await server.kill("SIGKILL");
    const killedAfterMs = Date.now() - started;
    expect(killed.signal).toBe("SIGKILL");

    for (const { agent } of agents) await agent.exit;
    const acked = agents.filter(({ host }) => exits.get(host.hostname)?.code === 0);
    const failed = agents.filter(({ host }) => exits.get(host.hostname)?.code !== 0);
    const inFlightAcked = inFlight.filter(({ host }) => exits.get(host.hostname)?.code === 0).length;
    console.log(
      `[${driver.name}] burst ${round}: SIGKILL after ${killedAfterMs} ms, ${runningAtKill} of ${BURST} agents running, ` +
        `${inFlight.length} of them awaiting their ack (${inFlightAcked} got it just in time): ` +
        `${acked.length} acknowledged, ${failed.length} failed`,
    );
    expect(acked.length, "the kill came after some acknowledgements").toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    for (const { host, agent } of acked)
      expect(agent.output, `${host.hostname}: exit 0 means acknowledged`).toMatch(
        /msg="snapshot acknowledged" seq=1/,
      );
    for (const { host, agent } of failed) {
      expect(exits.get(host.hostname), `${host.hostname}\n${agent.output}`).toEqual({
        code: 2,
        signal: null,
      });
      expect(agent.output, `${host.hostname}: says why`).toMatch(/^kdumpwatch-agent: run: .+$/m);
    }

    server = await server.restart();
    base = await server.url();

    // nothing acknowledged is lost: each acked host with its verdict, snapshot and first transition
    const listed = byHostname(await listHosts(server));
    for (const { host } of acked) {
      const summary = listed.get(host.hostname);
      expect(summary, `${host.hostname} was acknowledged before the kill`).toBeDefined();
      if (summary) await expectStoredReport(server, summary, host);
    }
    // and every enrollment the server confirmed (a credential handed out in `welcome`) still exists
    for (const { host } of agents) {
      const credential = credentialOf(host);
      if (credential === null) continue;
      const res = await server.fetch(`/api/hosts/${credential.hostId}`);
      expect(res.status, `${host.hostname}: its credential's host ${credential.hostId}`).toBe(200);
    }
    return { burst, failed };
  }

  test("a burst of agents cut off by a server SIGKILL: after a restart every acknowledged snapshot is there, and the failed agents succeed when retried", async () => {
    // The kill is aimed by the agents' own logs, which can lag the server on a loaded machine: once,
    // every agent had its ack before the kill landed (two "in flight" got theirs just in time). Such
    // a burst cuts nobody off; it is checked all the same (inside burstUnderKill) and another is
    // sent, with new hosts, up to three in all.
    const bursts: SimHost[] = [];
    let failed: Awaited<ReturnType<typeof burstUnderKill>>["failed"] = [];
    for (let round = 0; round < 3 && failed.length === 0; round++) {
      const result = await burstUnderKill(round);
      bursts.push(...result.burst);
      failed = result.failed;
    }
    expect(
      failed.length,
      "the kill must land while agents are in flight (in one of three bursts)",
    ).toBeGreaterThan(0);

    // the agents that failed are retried against the restarted server and succeed
    const retries = failed.map(({ host }) => ({ host, agent: runOnce(base, host) }));
    for (const { host, agent } of retries) {
      expect(await agent.exit, `${host.hostname}: retry\n${agent.output}`).toEqual({ code: 0, signal: null });
    }

    const hosts = await listHosts(server);
    const names = hosts.map((h) => h.hostname).sort();
    expect(names, "every simulated host exactly once").toEqual(
      [...REPLAYED, ...bursts.map((h) => h.hostname)].sort(),
    );
    expect(
      hosts.filter((h) => h.duplicateOf !== null).map((h) => h.hostname),
      "a retry is the same host, not a clone",
    ).toEqual([]);
    const final = byHostname(hosts);
    for (const host of bursts) {
      const summary = final.get(host.hostname);
      if (!summary) throw new Error(`${host.hostname} missing`);
      await expectStoredReport(server, summary, host);
    }
  }, 300_000);
});
