import { alertDumpBaselines, alertNotificationItems, alerts, asc, eq, hosts } from "@kdumpwatch/db";
import { type TestDatabase, testDrivers } from "@kdumpwatch/testkit/db";
import { criticalChecks as checks } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AlertEngine, type JudgedHost } from "./alert-engine.ts";
import type { NotificationItem } from "./alert-types.ts";
import { DEFAULT_INHIBIT_RULES } from "./inhibition.ts";
import { parseReceivers } from "./receivers.ts";

const S = 1000;
const T0 = Date.parse("2026-12-07T10:00:00Z");
const at = (s: number) => new Date(T0 + s * S);
const parsed = parseReceivers("http://127.0.0.1:9/a");
if (!parsed.ok) throw new Error(parsed.error);
const receivers = parsed.receivers;

const dump = (name: string) => ({ name, stamp: name, time: null, complete: true, sizeBytes: null });

function judged(hostId: string, over: Partial<JudgedHost> = {}): JudgedHost {
  return {
    hostId,
    hostname: `host-${hostId}`,
    checks: checks(),
    dumps: [],
    dumpDir: "/var/crash",
    duplicateOfHostId: null,
    labels: { team: "ops" },
    judgementKey: null,
    ...over,
  };
}

/** Each step: what the hosts report at that time; a tick follows 61 s later unless `noTick`. */
const STEPS: Array<{ at: number; reports: JudgedHost[]; noTick?: boolean }> = [
  {
    at: 0,
    reports: [
      judged("h0", { checks: checks(["crashkernel.param", "crashkernel.reserved", "kdump.loaded"]) }),
      judged("h1", { checks: checks(["kdump.enabled"]) }),
      judged("h2"),
      judged("h3", { duplicateOfHostId: "h0" }),
    ],
  },
  {
    at: 100,
    reports: [
      judged("h0", { checks: checks(["kdump.loaded"]) }),
      judged("h1"),
      judged("h2", { dumps: [dump("202612071000")] }),
      judged("h3", { duplicateOfHostId: "h0", labels: { team: "web" } }),
    ],
  },
  {
    at: 200,
    reports: [
      judged("h0", { checks: checks(["kdump.loaded"]) }),
      judged("h1", { checks: checks(["kdump.enabled"]) }),
      judged("h2", { dumps: [dump("202612071000")] }),
      judged("h3"),
    ],
  },
  {
    at: 300,
    reports: [
      judged("h0"),
      judged("h1", { checks: checks(["kdump.enabled"]) }),
      judged("h2", { dumps: null }),
      judged("h3"),
    ],
  },
  { at: 500, reports: [judged("h0"), judged("h1"), judged("h2"), judged("h3")] },
  // a root cause that clears inside its hold is forgotten and wakes its target (still pending)
  {
    at: 600,
    reports: [judged("h4", { checks: checks(["crashkernel.param", "kdump.loaded"]) })],
    noTick: true,
  },
  { at: 610, reports: [judged("h4", { checks: checks(["kdump.loaded"]) }), judged("h0")] },
];

describe.each(testDrivers())("set-wise alert evaluation on $name", (driver) => {
  let one: TestDatabase;
  let batch: TestDatabase;

  beforeAll(async () => {
    [one, batch] = await Promise.all([driver.open(), driver.open()]);
  });
  afterAll(async () => {
    await Promise.all([one?.dispose(), batch?.dispose()]);
  });

  const engineFor = (holdMs: number) =>
    new AlertEngine({
      policy: { holdMs, reminderBaseMs: 3600 * S, reminderCapMs: 24 * 3600 * S },
      groupWaitMs: 10 * S,
      receivers,
      staleAfterMs: 3600 * S,
      silenceCacheMs: 0,
      inhibitRules: DEFAULT_INHIBIT_RULES,
    });

  async function addHosts(db: TestDatabase, ids: readonly string[]): Promise<void> {
    await db.db.insert(hosts).values(
      ids.map((id) => ({
        id,
        machineId: `m-${id}`,
        hostname: `host-${id}`,
        enrolledAt: at(0),
        lastSeenAt: at(0),
        verdictSince: at(0),
        staleClockAt: at(0),
      })),
    );
  }

  /** What a database holds, without the ids and times the two runs cannot share. */
  async function contents(db: TestDatabase) {
    const rows = await db.db
      .select()
      .from(alerts)
      .orderBy(asc(alerts.hostId), asc(alerts.fingerprint), asc(alerts.openedAt));
    const items = await db.db.select().from(alertNotificationItems).orderBy(asc(alertNotificationItems.id));
    const memories = await db.db.select().from(alertDumpBaselines).orderBy(asc(alertDumpBaselines.hostId));
    return {
      alerts: rows.map(({ id: _id, ...r }) => r),
      notifications: items.map((i) => {
        const { alertId: _alertId, ...item } = i.item as NotificationItem;
        return item;
      }),
      memories: memories.map((m) => [m.hostId, m.names, m.evaluated]),
    };
  }

  test.each([0, 60 * S])("hold %i ms: the batch leaves what host by host leaves", async (holdMs) => {
    for (const db of [one, batch]) {
      await db.db.delete(alerts);
      await db.db.delete(hosts);
      await addHosts(db, ["h0", "h1", "h2", "h3", "h4"]);
    }
    const e1 = engineFor(holdMs);
    const eb = engineFor(holdMs);
    for (const step of STEPS) {
      await one.db.transaction(async (tx) => {
        for (const r of step.reports) await e1.onHostJudged(tx, r, at(step.at));
      });
      await batch.db.transaction((tx) => eb.onHostsJudged(tx, step.reports, at(step.at)));
      expect(await contents(batch), `after the reports at ${step.at} s`).toEqual(await contents(one));
      if (step.noTick) continue;
      if (step.at === 610 && holdMs > 0) {
        const [target] = await batch.db.select().from(alerts).where(eq(alerts.hostId, "h4"));
        expect(
          [target?.checkId, target?.state, target?.dueAt],
          "woken: due now, not at the hold's end",
        ).toEqual(["kdump.loaded", "pending", at(610)]);
      }
      await e1.tick(one.db, at(step.at + 61));
      await eb.tick(batch.db, at(step.at + 61));
      expect(await contents(batch), `after the tick at ${step.at + 61} s`).toEqual(await contents(one));
    }
    const final = await contents(batch);
    // the scenario exercised what it is meant to: pages, resolves, dump and duplicate alerts
    expect(new Set(final.notifications.map((n) => n.kind))).toEqual(new Set(["firing", "resolved"]));
    expect(new Set(final.notifications.map((n) => n.labels.alertname))).toEqual(
      new Set(["KdumpCheckFailing", "KdumpCrashDumpFound", "KdumpDuplicateMachineId"]),
    );
  });

  test("a host whose judgement was already evaluated is skipped; the others in the batch are not", async () => {
    await batch.db.delete(alerts);
    await batch.db.delete(hosts);
    await addHosts(batch, ["h0", "h1"]);
    const e = engineFor(60 * S);
    const failing = (id: string, key: string) =>
      judged(id, { checks: checks(["kdump.enabled"]), judgementKey: key });
    await batch.db.transaction((tx) =>
      e.onHostsJudged(tx, [failing("h0", "k1"), failing("h1", "k1")], at(0)),
    );
    // h0 sends the judgement already evaluated (its checks here differ only to show it is not read)
    await batch.db.transaction((tx) =>
      e.onHostsJudged(
        tx,
        [judged("h0", { judgementKey: "k1" }), judged("h1", { judgementKey: "k2" })],
        at(10),
      ),
    );
    const rows = await batch.db.select().from(alerts).orderBy(asc(alerts.hostId));
    expect(rows.map((r) => [r.hostId, r.checkId, r.state])).toEqual([["h0", "kdump.enabled", "pending"]]);
    const memories = await batch.db.select().from(alertDumpBaselines).orderBy(asc(alertDumpBaselines.hostId));
    expect(memories.map((m) => [m.hostId, m.evaluated])).toEqual([
      ["h0", "k1"],
      ["h1", "k2"],
    ]);
  });
});
