/**
 * kdumpwatch against a REAL Alertmanager 0.25 (Debian's prometheus-alertmanager, on loopback with
 * a temporary store), configured from infra/alertmanager/alertmanager.example.yml:
 *
 *   server A (inhibition on, the default) → its generic webhook (recorder G) and its v2 push to
 *            Alertmanager 1 → Alertmanager 1's webhooks (recorders);
 *   server B (KDUMPWATCH_ALERT_INHIBIT=off, raw signals) → v2 push to Alertmanager 2, whose
 *            inhibit_rules (the example's) must leave exactly what server A paged.
 *
 * Four hosts replay captures that fail every chain the rules know: no crashkernel=, no kdump
 * tooling, kexec disabled, Secure Boot refusing the kernel. Build first: `pnpm -r build`.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { collectSnapshot, ENROLL, startServer } from "./alerting-support.ts";
import { Alertmanager, type AlertmanagerAlert, killAllAlertmanagers } from "./support/alertmanager.ts";
import { waitUntil } from "./support/polling.ts";
import { RawAgent } from "./support/raw-agent.ts";
import { type Receiver, startReceiver } from "./support/receiver.ts";
import { killAllServers, removeTempDirs, requireBundles, sleep, tempDir } from "./support/server-process.ts";

interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}
interface WebhookBody {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: string;
  groupLabels: Record<string, string>;
  alerts: WebhookAlert[];
  [key: string]: unknown;
}

/** hostname → capture; the first carries team=storage (routed to its own receiver by the example) */
const HOSTS = {
  "nocrash-1": "ubuntu-2204-no-crashkernel",
  "tools-1": "tools-not-installed",
  "kexecoff-1": "kexec-load-disabled",
  "secureboot-1": "secureboot-unsigned-kernel-rejected",
} as const;
/** what one page per root cause means for these hosts (apps/server/src/alerting/inhibition.ts) */
const ROOT_CAUSES = [
  "kexecoff-1 kexec.load-disabled",
  "nocrash-1 crashkernel.param",
  "secureboot-1 kexec.lockdown",
  "tools-1 crashkernel.param",
  "tools-1 kdump.tools-installed",
];

const bodies = (r: Receiver) => r.accepted() as WebhookBody[];
const firing = (bs: WebhookBody[]) =>
  [
    ...new Set(
      bs.flatMap((b) =>
        b.alerts.filter((a) => a.status === "firing").map((a) => `${a.labels.host} ${a.labels.check}`),
      ),
    ),
  ].sort();

const receivers: Receiver[] = [];
async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** Each capture is collected once (the real agent's `collect`), and reported to both servers. */
const snapshots = new Map<string, ReturnType<typeof collectSnapshot>>();
function snapshotOf(capture: string) {
  const collected = snapshots.get(capture) ?? collectSnapshot(capture);
  snapshots.set(capture, collected);
  return collected;
}

/** One agent per (server, host), kept so a second report reconnects with its credential. */
const agents = new Map<string, RawAgent>();
async function report(url: string, capture: Partial<Record<string, string>> = HOSTS) {
  for (const [hostname, dir] of Object.entries(capture)) {
    if (dir === undefined) continue;
    const key = `${url} ${hostname}`;
    const agent =
      agents.get(key) ??
      new RawAgent(hostname, {
        enrollToken: ENROLL,
        ...(hostname === "nocrash-1" ? { labels: { team: "storage", site: "par1" } } : {}),
      });
    agents.set(key, agent);
    await agent.report(url, snapshotOf(dir));
  }
}

beforeAll(() => requireBundles());
afterAll(async () => {
  await killAllServers();
  await killAllAlertmanagers();
  for (const r of receivers) await r.close();
  removeTempDirs();
});

describe("kdumpwatch and a real Alertmanager 0.25", () => {
  let G: Receiver;
  let oncall1: Receiver;
  let storage1: Receiver;
  let am1: Alertmanager;
  let am2: Alertmanager;
  let oncall2: Receiver;
  let storage2: Receiver;
  let serverA: ReturnType<typeof startServer>;

  beforeAll(async () => {
    [G, oncall1, storage1, oncall2, storage2] = await Promise.all([
      receiver(),
      receiver(),
      receiver(),
      receiver(),
      receiver(),
    ]);
    // the Alertmanagers and the servers start side by side: the servers only need their URLs
    [am1, am2] = await Promise.all([
      Alertmanager.spawn({ oncall: oncall1.url, storage: storage1.url }),
      Alertmanager.spawn({ oncall: oncall2.url, storage: storage2.url }),
    ]);
    const common = {
      KDUMPWATCH_ALERT_HOLD: "0",
      KDUMPWATCH_ALERT_GROUP_WAIT: "1",
      KDUMPWATCH_PUBLIC_URL: "https://kdw.example.test",
    };
    serverA = startServer({
      ...common,
      KDUMPWATCH_DATA_DIR: tempDir("kdw-am-a-"),
      KDUMPWATCH_ALERT_INHIBIT: "",
      KDUMPWATCH_ALERT_WEBHOOKS: `${G.url},alertmanager+${am1.url}`,
    });
    const serverB = startServer({
      ...common,
      KDUMPWATCH_DATA_DIR: tempDir("kdw-am-b-"),
      KDUMPWATCH_ALERT_INHIBIT: "off",
      KDUMPWATCH_ALERT_WEBHOOKS: `alertmanager+${am2.url}`,
    });
    const [urlA, urlB] = await Promise.all([serverA.url(), serverB.url(), am1.ready(), am2.ready()]);
    await Promise.all([report(urlA), report(urlB)]);
  });

  test("one root cause, one page: kdumpwatch's generic webhook pages the root causes only, naming their consequences", async () => {
    const paged = await waitUntil(
      "the five root causes",
      () => (firing(bodies(G)).length >= 5 ? firing(bodies(G)) : undefined),
      60_000,
    );
    expect(paged).toEqual(ROOT_CAUSES);
    const param = bodies(G)
      .flatMap((b) => b.alerts)
      .find((a) => a.labels.host === "nocrash-1");
    expect(param?.labels).toMatchObject({ check: "crashkernel.param", team: "storage", site: "par1" });
    expect(param?.annotations.consequences).toMatch(/^crashkernel\.reserved: .+\nkdump\.loaded: .+$/);
    // the server bundle runs on the system clock unless KDUMPWATCH_TEST_CLOCK is set: no clock route
    expect((await serverA.fetch("/api/test/clock")).status).toBe(404);
    const moved = await serverA.fetch("/api/test/clock", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advanceSeconds: 3600 }),
    });
    expect(moved.status, "the clock cannot be moved").toBe(404);
  });

  test("Alertmanager with the example inhibit rules, fed every raw signal, notifies exactly what kdumpwatch paged", async () => {
    let all = await am2.alerts();
    for (const until = Date.now() + 60_000; all.length < 12 && Date.now() < until; all = await am2.alerts()) {
      await sleep(250);
    }
    const entries = (as: AlertmanagerAlert[]) => as.map((a) => `${a.labels.host} ${a.labels.check}`).sort();
    expect(all, "every failing critical check of the four hosts").toHaveLength(12);
    const active = all.filter((a) => a.status.inhibitedBy.length === 0);
    expect(entries(active)).toEqual(ROOT_CAUSES);
    for (const a of all.filter((x) => x.status.inhibitedBy.length > 0)) {
      expect(a.status.state, `${a.labels.host} ${a.labels.check}`).toBe("suppressed");
    }
    const notified = await waitUntil(
      "Alertmanager 2's notifications",
      () => {
        const got = firing([...bodies(oncall2), ...bodies(storage2)]);
        return got.length >= 5 ? got : undefined;
      },
      60_000,
    );
    expect(notified, "the inhibited ones reach no receiver").toEqual(ROOT_CAUSES);
    expect(firing(bodies(storage2)), "routed by the host label team=storage").toEqual([
      "nocrash-1 crashkernel.param",
    ]);
  });

  test("Alertmanager's own webhook and kdumpwatch's generic webhook agree: fields, group keys, fingerprints, labels", async () => {
    await waitUntil(
      "Alertmanager 1's notifications",
      () => (firing([...bodies(oncall1), ...bodies(storage1)]).length >= 5 ? true : undefined),
      60_000,
    );
    const held = await am1.alerts();
    expect(
      held.every((a) => a.status.inhibitedBy.length === 0),
      "kdumpwatch already sent only root causes",
    ).toBe(true);
    const ours = bodies(G);
    const theirs = bodies(oncall1);
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(ours[0] as object)).toEqual(keys(theirs[0] as object));
    expect(keys(ours[0]?.alerts[0] as object)).toEqual(keys(theirs[0]?.alerts[0] as object));
    const ourGroupKeys = new Set(ours.map((b) => b.groupKey));
    for (const b of theirs) {
      expect(
        ourGroupKeys.has(b.groupKey),
        `Alertmanager's group key ${b.groupKey} is one kdumpwatch uses`,
      ).toBe(true);
      expect(b.version).toBe("4");
      for (const a of b.alerts) {
        const mine = ours.flatMap((x) => x.alerts).find((x) => x.fingerprint === a.fingerprint);
        expect(
          mine,
          `kdumpwatch sent ${a.labels.host} ${a.labels.check} with Alertmanager's fingerprint ${a.fingerprint}`,
        ).toBeDefined();
        expect(mine?.labels).toEqual(a.labels);
        expect(mine?.annotations).toEqual(a.annotations);
        // Go prints times with trailing zeros trimmed (RFC 3339 nano): compare the instants
        expect(Date.parse(mine?.startsAt ?? "")).toBe(Date.parse(a.startsAt));
        expect(mine?.generatorURL).toBe(a.generatorURL);
        expect([mine?.status, mine?.endsAt]).toEqual([a.status, a.endsAt]);
      }
    }
    // held alerts carry the same fingerprints too (GET /api/v2/alerts)
    const ourFingerprints = new Set(ours.flatMap((b) => b.alerts.map((a) => a.fingerprint)));
    for (const a of held)
      expect(ourFingerprints.has(a.fingerprint), `${a.labels.host} ${a.labels.check}`).toBe(true);
  });

  test("a fixed host resolves in both: kdumpwatch's group still fires for the others, Alertmanager resolves its own group", async () => {
    await report(await serverA.url(), { "nocrash-1": "ubuntu-2204-ready" });
    const update = await waitUntil(
      "kdumpwatch's param group with nocrash-1 resolved",
      () =>
        bodies(G).find(
          (b) =>
            b.groupLabels.check === "crashkernel.param" &&
            b.alerts.some((a) => a.labels.host === "nocrash-1" && a.status === "resolved"),
        ),
      60_000,
    );
    expect(update.status, "tools-1 still fails crashkernel.param: the group is not resolved").toBe("firing");
    expect(update.alerts.map((a) => [a.labels.host, a.status]).sort()).toEqual([
      ["nocrash-1", "resolved"],
      ["tools-1", "firing"],
    ]);
    const resolved = await waitUntil(
      "Alertmanager 1's resolve to the storage team",
      () => bodies(storage1).find((b) => b.status === "resolved"),
      60_000,
    );
    expect(resolved.alerts.map((a) => [a.labels.host, a.labels.check, a.status])).toEqual([
      ["nocrash-1", "crashkernel.param", "resolved"],
    ]);
  });
});
