/**
 * Alerting end to end (product.md §6, docs/alerting.md): the REAL server bundle as a child process,
 * real HTTP receivers on 127.0.0.1, the real agent bundle replaying capture directories, and raw
 * protocol v1 agents for scale. PostgreSQL tests create their own database on
 * KDUMPWATCH_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Build first: `pnpm -r build` (server and agent bundles).
 */

import { createHmac } from "node:crypto";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AlertListSchema, type SnapshotPayload } from "@kdumpwatch/protocol";
import { createScratchDatabase, type ScratchDatabase } from "@kdumpwatch/testkit/db";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { collectSnapshot, ENROLL, RawAgent, startServer } from "./alerting-support.ts";
import { AgentProcess, killAllAgents } from "./support/agents.ts";
import { inBatches, waitUntil } from "./support/polling.ts";
import { type Receiver, startReceiver } from "./support/receiver.ts";
import {
  capturesDir as captures,
  killAllServers,
  removeTempDirs,
  requireBundles,
  tempDir,
  testDatabaseUrl,
} from "./support/server-process.ts";
import { advanceClock, outboxDrained, testClockEnv } from "./support/test-clock.ts";

const pgUrl = testDatabaseUrl ?? "postgres://postgres@127.0.0.1:5432/test";
const SECRET = "alerting-e2e-webhook-secret";
/** the critical checks the ubuntu-2204-no-crashkernel capture fails (its expected.json) */
const FAILING = ["crashkernel.param", "crashkernel.reserved", "kdump.loaded"];

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}
interface WebhookBody {
  version: string;
  status: "firing" | "resolved";
  groupLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await killAllServers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(answers?: Array<number | "hang">): Promise<Receiver> {
  const r = await startReceiver(answers);
  cleanups.push(() => r.close());
  return r;
}

async function scratchDb(): Promise<ScratchDatabase> {
  const db = await createScratchDatabase(pgUrl);
  cleanups.push(() => db.drop());
  return db;
}

/**
 * A webhook receiver and the environment of a server on a fresh PostgreSQL database paging it at
 * once. The server runs on a stepped test clock (apps/server/src/clock.ts): it keeps real time
 * unless a test moves it with advanceClock().
 */
async function pagedServerEnv(groupWaitSec: string, more: Record<string, string> = {}) {
  const rx = await receiver();
  const db = await scratchDb();
  const env = {
    DATABASE_URL: db.url,
    KDUMPWATCH_ALERT_WEBHOOKS: rx.url,
    KDUMPWATCH_ALERT_HOLD: "0",
    KDUMPWATCH_ALERT_GROUP_WAIT: groupWaitSec,
    ...testClockEnv(),
    ...more,
  };
  return { rx, env };
}

const webhookBodies = (r: Receiver) => r.accepted() as WebhookBody[];
/** every (status, check, host_id) alert the receiver accepted, one string each */
const alertEntries = (r: Receiver) =>
  webhookBodies(r).flatMap((b) => b.alerts.map((a) => `${a.status} ${a.labels.check} ${a.labels.host_id}`));

/** Waits (20 s) until `r` has accepted one `status` notification for each failing check. */
const oneForEachFailing = (r: Receiver, status: WebhookBody["status"]) =>
  waitUntil(
    `a ${status} notification for each failing critical check`,
    () => {
      const got = webhookBodies(r).filter((b) => b.status === status);
      return got.length === FAILING.length ? got : undefined;
    },
    20_000,
  );

let failing: SnapshotPayload;
let ready: SnapshotPayload;

beforeAll(() => {
  requireBundles();
  failing = collectSnapshot("ubuntu-2204-no-crashkernel");
  ready = collectSnapshot("ubuntu-2204-ready");
});

describe("alerting with the real server and agent bundles", () => {
  test("a host losing its reservation pages all three formats, signed, and fixing it sends the resolve", async () => {
    const generic = await receiver();
    const slack = await receiver();
    const am = await receiver();
    const data = tempDir("kdw-alert-data-");
    const s = startServer({
      // embedded PGlite, the default driver
      KDUMPWATCH_DATA_DIR: data,
      KDUMPWATCH_ALERT_WEBHOOKS: [
        generic.url,
        `slack+${slack.url}`,
        `alertmanager+${am.url.replace("/hook", "")}`,
      ].join(","),
      KDUMPWATCH_WEBHOOK_SECRET: SECRET,
      KDUMPWATCH_ALERT_HOLD: "1",
      KDUMPWATCH_ALERT_GROUP_WAIT: "1",
      KDUMPWATCH_PUBLIC_URL: "https://kdw.example.test/",
      ...testClockEnv(),
    });
    const url = await s.url();
    // the hold (1 s) then the group wait (1 s) on the server's clock, each followed by a tick
    const holdThenGroupWait = async () => {
      await advanceClock(s, 1);
      await advanceClock(s, 1);
    };

    // the host: a copy of a capture without crashkernel=, reported by the real agent
    const host = tempDir("kdw-alert-host-");
    cpSync(join(captures, "ubuntu-2204-no-crashkernel"), host, { recursive: true });
    const state = tempDir("kdw-alert-state-");
    const runAgent = async () => {
      const agent = AgentProcess.once({ server: url, root: host, stateDir: state, enrollToken: ENROLL });
      expect((await agent.exit).code, agent.output).toBe(0);
    };
    await runAgent();
    await holdThenGroupWait();

    const firing = await oneForEachFailing(generic, "firing");
    expect(firing.map((b) => b.groupLabels.check).sort()).toEqual(FAILING);
    const reserved = firing.find((b) => b.groupLabels.check === "crashkernel.reserved")!;
    expect(reserved.version).toBe("4");
    expect(reserved.alerts).toHaveLength(1);
    const alert = reserved.alerts[0]!;
    expect(alert.labels).toMatchObject({
      alertname: "KdumpCheckFailing",
      check: "crashkernel.reserved",
      severity: "critical",
      host: readFileSync(join(captures, "ubuntu-2204-no-crashkernel/etc/hostname"), "utf8").trim(),
    });
    const hostId = alert.labels.host_id!;
    expect(alert.generatorURL).toBe(`https://kdw.example.test/#/hosts/${hostId}`);
    expect(alert.annotations.summary, JSON.stringify(alert)).toBeTruthy();
    expect(alert.annotations.remediation, "tells what to run").toBeTruthy();
    expect(alert.endsAt).toBe("0001-01-01T00:00:00Z");

    for (const r of [generic, slack, am]) {
      await waitUntil("three requests", () => r.requests.length >= 3 || undefined, 10_000);
      for (const req of r.requests) {
        const expected = `sha256=${createHmac("sha256", SECRET).update(req.body).digest("hex")}`;
        expect(req.headers["x-kdumpwatch-signature"], `signature of ${req.path}`).toBe(expected);
      }
    }
    expect(slack.requests.every((r) => Array.isArray(JSON.parse(r.body).blocks))).toBe(true);
    expect(am.requests.map((r) => r.path)).toEqual(["/api/v2/alerts", "/api/v2/alerts", "/api/v2/alerts"]);
    expect(Array.isArray(JSON.parse(am.requests[0]!.body))).toBe(true);

    // the fix: the same host (machine-id, hostname) now boots with a reservation
    const keep = ["etc/machine-id", "etc/hostname"].map((f) => [f, readFileSync(join(host, f))] as const);
    cpSync(join(captures, "ubuntu-2204-ready"), host, { recursive: true, force: true });
    for (const [f, content] of keep) writeFileSync(join(host, f), content);
    await runAgent();
    await holdThenGroupWait();

    const resolved = await oneForEachFailing(generic, "resolved");
    expect(
      resolved.flatMap((b) => b.alerts.map((a) => [a.labels.check, a.labels.host_id, a.status])).sort(),
    ).toEqual(FAILING.map((c) => [c, hostId, "resolved"]));
    for (const b of resolved)
      expect(Date.parse(b.alerts[0]!.endsAt)).toBeGreaterThan(Date.parse(b.alerts[0]!.startsAt));
    const list = AlertListSchema.parse(await s.api("/api/alerts?resolvedWithin=1h"));
    expect(list.alerts.map((a) => [a.check, a.state]).sort()).toEqual(FAILING.map((c) => [c, "resolved"]));
  });

  test("a receiver answering 500 gets the notification once it recovers; one that never answers blocks nobody", async () => {
    const flaky = await receiver([500, 500, 200]);
    const hanging = await receiver(["hang"]);
    const healthy = await receiver([200]);
    const db = await scratchDb();
    const s = startServer({
      DATABASE_URL: db.url,
      KDUMPWATCH_ALERT_WEBHOOKS: [hanging.url, flaky.url, healthy.url].join(","),
      KDUMPWATCH_ALERT_HOLD: "0",
      KDUMPWATCH_ALERT_GROUP_WAIT: "0",
      ...testClockEnv(),
    });
    const url = await s.url();
    const agent = new RawAgent("flaky-receivers-host");
    const { sentAt } = await agent.report(url, failing);

    await waitUntil(
      "the healthy receiver has all three",
      () => alertEntries(healthy).length === 3 || undefined,
      8000,
    );
    const healthyDone = Math.max(...healthy.requests.map((r) => r.at)) - sentAt;
    expect(healthyDone, "well inside the 10 s timeout the hanging receiver holds").toBeLessThan(5000);
    expect(hanging.requests.length, "the hanging receiver got its first request").toBeGreaterThanOrEqual(1);

    await waitUntil(
      "the flaky receiver recovers",
      () => alertEntries(flaky).length === 3 || undefined,
      30_000,
    );
    expect(flaky.requests.slice(0, 3).map((r) => r.answer)).toEqual([500, 500, 200]);
    // everything queued for it was sent and accepted: no retry or duplicate is left to come
    await outboxDrained(s, flaky.url);
    expect(alertEntries(flaky).sort(), "each notification accepted exactly once").toEqual(
      alertEntries(healthy).sort(),
    );
  });

  test("a notification committed just before a SIGKILL is delivered after the restart", async () => {
    // the notification waits in the outbox for the group wait (60 s on the server's clock, which
    // only the test moves): the kill lands in between
    const { rx, env } = await pagedServerEnv("60");
    const first = startServer(env);
    const agent = new RawAgent("killed-server-host");
    await agent.report(await first.url(), failing);
    await first.kill("SIGKILL");
    expect(rx.requests, "nothing was sent before the kill").toEqual([]);

    const second = await first.restart();
    await advanceClock(second, 60);
    await waitUntil("delivery after the restart", () => alertEntries(rx).length === 3 || undefined, 30_000);
    await outboxDrained(second, rx.url);
    expect(alertEntries(rx).sort()).toEqual(FAILING.map((c) => `firing ${c} ${agent.hostId}`));
  });

  test("300 hosts failing within the group wait make one notification per failing check", async () => {
    // a group wait far longer than the reports take, even on a loaded machine (a 25 s one was
    // overrun at load 20+: 28–36 s), which only the test's clock step ends; the hosts' stale
    // threshold (180 s by default) beyond that step, or their stale alerts would open a fourth group
    const { rx, env } = await pagedServerEnv("600", { KDUMPWATCH_STALE_AFTER: "3600" });
    const s = startServer(env);
    const url = await s.url();
    const agents = Array.from({ length: 300 }, (_, i) => new RawAgent(`node-${String(i).padStart(3, "0")}`));
    const t0 = Date.now();
    await inBatches(agents, 25, async (a) => {
      await a.report(url, failing);
    });
    const reportSeconds = (Date.now() - t0) / 1000;
    expect(reportSeconds, "all 300 reported inside the group wait").toBeLessThan(600);
    // every alert firing (each joins its check's group) before the group wait is ended: an alert
    // that fired after the group's notification would open a group of its own
    await waitUntil(
      "900 firing alerts",
      async () => {
        const list = AlertListSchema.parse(await s.api("/api/alerts?limit=10000"));
        return list.alerts.filter((a) => a.state === "firing").length === 300 * FAILING.length || undefined;
      },
      45_000,
    );
    // the rest of the group wait, on the server's clock
    await advanceClock(s, 600);
    const bodies = await waitUntil(
      "one notification per check",
      () => (webhookBodies(rx).length >= FAILING.length ? webhookBodies(rx) : undefined),
      45_000,
    );
    // two more seconds on the server's clock, then everything queued for the receiver was sent
    await advanceClock(s, 2);
    await outboxDrained(s, rx.url);
    expect(rx.requests, "three messages in all, not 900").toHaveLength(3);
    expect(bodies.map((b) => [b.groupLabels.check, b.alerts.length]).sort()).toEqual(
      FAILING.map((c) => [c, 300]),
    );
    const hosts = new Set(bodies[0]!.alerts.map((a) => a.labels.host_id));
    expect(hosts.size).toBe(300);
  });

  test("two server processes on one database deliver each notification exactly once", async () => {
    const { rx, env } = await pagedServerEnv("1");
    const a = startServer(env);
    const b = startServer(env);
    const urls = await Promise.all([a.url(), b.url()]);
    const agents = Array.from({ length: 20 }, (_, i) => new RawAgent(`pair-${i}`));
    await inBatches(agents, 5, async (agent) => {
      await agent.report(urls[agents.indexOf(agent) % 2]!, failing);
    });
    // each notification carries its group's whole state (docs/alerting.md "Grouping"): an alert
    // shows again in later notifications of its group; what must never repeat is a notification
    const firingAlerts = () => new Set(alertEntries(rx).filter((e) => e.startsWith("firing ")));
    await waitUntil("60 alerts delivered", () => firingAlerts().size >= 60 || undefined, 90_000);
    // everything either process queued for the receiver (one outbox in the shared database) was
    // sent and accepted, so nothing is left to send twice or late (was a 3 s sleep and a hope)
    await outboxDrained(a, rx.url);
    expect(firingAlerts().size, "20 hosts × 3 checks").toBe(60);
    const deliveries = rx.requests.map((r) => r.headers["x-kdumpwatch-delivery"]);
    expect(new Set(deliveries).size, "no notification delivered twice").toBe(deliveries.length);
    const dispatchers = [a, b].filter((p) => /became leader/.test(p.output));
    expect(dispatchers, "one elected process dispatches").toHaveLength(1);
  });

  test("a server outage longer than the stale threshold raises no stale alert; uptime alone counts", async () => {
    const { rx, env } = await pagedServerEnv("0", {
      KDUMPWATCH_STALE_AFTER: "10",
      KDUMPWATCH_RECONNECT_GRACE: "0",
    });
    const first = startServer(env);
    const agent = new RawAgent("outage-host");
    await agent.report(await first.url(), ready);
    await first.kill("SIGKILL");
    // down for longer than the stale threshold and the outage detection gap (15 s): the second
    // process starts with its clock 17 s ahead, so on its clock it cannot start before `restartedAt`
    const restartedAt = Date.now() + 17_000;
    const second = startServer({ ...env, ...testClockEnv(17) });
    await second.url();
    await advanceClock(second, 6);
    const early = AlertListSchema.parse(await second.api("/api/alerts"));
    expect(early.alerts, "no stale alert right after the outage").toEqual([]);
    expect(rx.requests).toEqual([]);
    // the agent stays silent: after 10 s of server uptime the host is stale and pages
    await advanceClock(second, 5);
    const body = await waitUntil("the stale alert", () => webhookBodies(rx)[0], 20_000);
    // the alert opens at the first tick that finds the host stale, on the server's clock
    expect(
      Date.parse(body.alerts[0]?.startsAt ?? "") - restartedAt,
      "not before 10 s of uptime",
    ).toBeGreaterThanOrEqual(10_000);
    expect(body.alerts.map((a) => [a.labels.alertname, a.labels.host_id])).toEqual([
      ["KdumpHostStale", agent.hostId],
    ]);
  });
});

afterAll(async () => {
  await Promise.all([killAllServers(), killAllAgents()]);
  removeTempDirs();
});
