import type { DumpEntry } from "@kdumpwatch/core";
import {
  alertNotificationItems,
  alertNotifications,
  alertOutbox,
  alerts,
  asc,
  eq,
  hosts,
  serverInstances,
} from "@kdumpwatch/db";
import { type TestDatabase, testDrivers } from "@kdumpwatch/testkit/db";
import { criticalChecks as checks } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import { createMemoryHub } from "../hub.ts";
import { silentLogger } from "../log.ts";
import { beat, registerInstance } from "../services/liveness.ts";
import { AlertEngine, type JudgedHost } from "./alert-engine.ts";
import { anyDueAlert } from "./alert-store.ts";
import type { NotificationItem } from "./alert-types.ts";
import { DEFAULT_INHIBIT_RULES } from "./inhibition.ts";
import { PgOutboxStore } from "./outbox-store.ts";
import { parseReceivers } from "./receivers.ts";
import { insertSilence } from "./silence-store.ts";

const S = 1000;
const T0 = Date.parse("2026-11-26T10:00:00Z");
const at = (s: number) => new Date(T0 + s * S);
const parsed = parseReceivers("http://127.0.0.1:9/a,slack+http://127.0.0.1:9/b");
if (!parsed.ok) throw new Error(parsed.error);
const receivers = parsed.receivers;

function judged(hostId: string, over: Partial<JudgedHost> = {}): JudgedHost {
  return {
    hostId,
    hostname: `host-${hostId}`,
    checks: checks(),
    dumps: [],
    dumpDir: "/var/crash",
    duplicateOfHostId: null,
    labels: {},
    judgementKey: null,
    ...over,
  };
}

describe.each(testDrivers())("alert engine on $name", (driver) => {
  let handle: TestDatabase;
  let engine: AlertEngine;

  beforeAll(async () => {
    handle = await driver.open();
  });
  afterAll(async () => {
    await handle?.dispose();
  });
  beforeEach(async () => {
    await handle.db.delete(alertNotifications);
    await handle.db.delete(alerts);
    await handle.db.delete(hosts);
    await handle.db.delete(serverInstances);
    engine = new AlertEngine({
      policy: { holdMs: 60 * S, reminderBaseMs: 4 * 3600 * S, reminderCapMs: 24 * 3600 * S },
      groupWaitMs: 30 * S,
      receivers,
      staleAfterMs: 600 * S,
      silenceCacheMs: 0,
    });
  });

  async function addHosts(n: number, seenAt = at(0)): Promise<string[]> {
    const ids = Array.from({ length: n }, (_, i) => `h${i}`);
    await handle.db.insert(hosts).values(
      ids.map((id) => ({
        id,
        machineId: `m-${id}`,
        hostname: `host-${id}`,
        enrolledAt: seenAt,
        lastSeenAt: seenAt,
        verdictSince: seenAt,
        staleClockAt: seenAt,
      })),
    );
    return ids;
  }

  async function report(host: JudgedHost, now: Date): Promise<void> {
    await handle.db.transaction((tx) => engine.onHostJudged(tx, host, now));
  }

  async function notifications() {
    const ns = await handle.db.select().from(alertNotifications).orderBy(asc(alertNotifications.id));
    const out = [];
    for (const n of ns) {
      const items = await handle.db
        .select()
        .from(alertNotificationItems)
        .where(eq(alertNotificationItems.notificationId, n.id))
        .orderBy(asc(alertNotificationItems.id));
      out.push({ ...n, items: items.map((i) => i.item as NotificationItem) });
    }
    return out;
  }

  test("anyDueAlert (the tick's check before its transaction) sees exactly the open alerts due by then", async () => {
    const [h] = await addHosts(1);
    expect(await anyDueAlert(handle.db, at(0)), "no alert at all").toBe(false);
    await report(judged(h!, { checks: checks(["crashkernel.reserved"]) }), at(0));
    expect(await anyDueAlert(handle.db, at(30)), "pending, due when the hold ends").toBe(false);
    expect(await anyDueAlert(handle.db, at(61))).toBe(true);
    await engine.tick(handle.db, at(61));
    expect(
      (await notifications()).map((n) => n.status),
      "the tick behind the check fired it",
    ).toEqual(["firing"]);
    expect(await anyDueAlert(handle.db, at(62)), "firing, next due at its reminder").toBe(false);
    await handle.db.update(alerts).set({ dueAt: at(0), resolvedAt: at(70) });
    expect(await anyDueAlert(handle.db, at(71)), "a resolved alert is never due").toBe(false);
    await handle.db.update(alerts).set({ resolvedAt: null });
    expect(await anyDueAlert(handle.db, at(71))).toBe(true);
  });

  test("a failing critical check fires after the hold, once, into one outbox row per receiver", async () => {
    const [h] = await addHosts(1);
    await report(judged(h!, { checks: checks(["crashkernel.reserved"]) }), at(0));
    expect(await notifications(), "nothing during the hold").toEqual([]);
    await engine.tick(handle.db, at(30));
    expect(await notifications()).toEqual([]);
    await report(judged(h!, { checks: checks(["crashkernel.reserved"]) }), at(45));
    await engine.tick(handle.db, at(61));
    await engine.tick(handle.db, at(62));
    const ns = await notifications();
    expect(ns).toHaveLength(1);
    expect(ns[0]?.status).toBe("firing");
    expect(ns[0]?.items.map((i) => [i.kind, i.labels.check, i.labels.host, i.startsAt])).toEqual([
      ["firing", "crashkernel.reserved", "host-h0", at(0).toISOString()],
    ]);
    expect(ns[0]?.items[0]?.annotations).toEqual({
      summary: "crashkernel.reserved fails",
      remediation: "fix crashkernel.reserved",
    });
    const rows = await handle.db.select().from(alertOutbox);
    expect(rows.map((r) => r.target).sort()).toEqual(receivers.map((r) => r.id).sort());
    expect(rows[0]?.nextAttemptAt.getTime(), "delivered one group wait after opening").toBe(at(91).getTime());
  });

  test("300 hosts failing the same check within the group wait make one notification", async () => {
    const ids = await addHosts(300);
    const policyZero = new AlertEngine({
      policy: { holdMs: 0, reminderBaseMs: 4 * 3600 * S, reminderCapMs: 24 * 3600 * S },
      groupWaitMs: 30 * S,
      receivers,
      staleAfterMs: 600 * S,
    });
    for (const [i, id] of ids.entries()) {
      await handle.db.transaction((tx) =>
        policyZero.onHostJudged(tx, judged(id, { checks: checks(["crashkernel.reserved"]) }), at(i / 20)),
      );
    }
    const ns = await notifications();
    expect(ns, "one message").toHaveLength(1);
    expect(ns[0]?.items).toHaveLength(300);
    expect(new Set(ns[0]?.items.map((i) => i.labels.host_id)).size).toBe(300);
    expect(await handle.db.select().from(alertOutbox), "one row per receiver").toHaveLength(2);
  });

  test("a fixed host resolves after the hold, and a flap back inside it changes nothing", async () => {
    const [h] = await addHosts(1);
    const failing = judged(h!, { checks: checks(["kdump.loaded"]) });
    await report(failing, at(0));
    await engine.tick(handle.db, at(60));
    await report(judged(h!), at(100));
    await report(failing, at(120));
    await report(judged(h!), at(130));
    await engine.tick(handle.db, at(189));
    expect((await notifications()).map((n) => n.status)).toEqual(["firing"]);
    await engine.tick(handle.db, at(190));
    const ns = await notifications();
    expect(ns.map((n) => n.status)).toEqual(["firing", "resolved"]);
    const resolved = ns[1]?.items[0];
    expect(resolved?.endsAt).toBe(at(130).toISOString());
    expect(resolved?.annotations.summary, "the resolve says what was wrong").toBe("kdump.loaded fails");
    const [row] = await handle.db.select().from(alerts);
    expect(row?.state).toBe("resolved");
  });

  test("a silenced check does not page; when the silence ends the alert pages", async () => {
    const [h] = await addHosts(1);
    await insertSilence(
      handle.db,
      { matchers: { check: "kdump.enabled" }, reason: "rollout", createdBy: "test", expiresAt: at(300) },
      at(0),
    );
    await report(judged(h!, { checks: checks(["kdump.enabled"]) }), at(0));
    await engine.tick(handle.db, at(60));
    await engine.tick(handle.db, at(200));
    expect(await notifications()).toEqual([]);
    const [row] = await handle.db.select().from(alerts);
    expect(row?.state, "firing, silently").toBe("firing");
    await engine.tick(handle.db, at(301));
    await engine.tick(handle.db, at(320));
    expect((await notifications()).map((n) => n.items[0]?.kind)).toEqual(["firing"]);
  });

  test("a host whose stale clock ran out goes stale; a report brings it back with a resolve", async () => {
    const [h] = await addHosts(1, at(0));
    await engine.tick(handle.db, at(600));
    expect(await handle.db.select().from(alerts), "not yet: exactly at the threshold").toEqual([]);
    await engine.tick(handle.db, at(601));
    await engine.tick(handle.db, at(661));
    let ns = await notifications();
    expect(ns.map((n) => [n.status, n.items[0]?.labels.alertname])).toEqual([["firing", "KdumpHostStale"]]);
    expect(ns[0]?.items[0]?.annotations.summary).toBe("host-h0 has not reported for 10 min of server uptime");
    // a heartbeat moves the stale clock; the sweep notices without a report
    await handle.db
      .update(hosts)
      .set({ staleClockAt: at(700) })
      .where(eq(hosts.id, h!));
    await engine.tick(handle.db, at(701));
    await engine.tick(handle.db, at(761));
    ns = await notifications();
    expect(ns.map((n) => n.status)).toEqual(["firing", "resolved"]);
  });

  test("the tick reads the hosts whose stale clock ran out since its last pass, and every stale host each 10 s", async () => {
    const staleOf = async () =>
      (await handle.db.select().from(alerts))
        .filter((a) => a.alertname === "KdumpHostStale")
        .map((a) => a.hostId)
        .sort();
    await addHosts(1, at(0));
    await engine.tick(handle.db, at(601));
    expect(await staleOf(), "the first pass reads every stale host").toEqual(["h0"]);
    const seen = (id: string, s: number) => ({
      id,
      machineId: `m-${id}`,
      hostname: `host-${id}`,
      enrolledAt: at(0),
      lastSeenAt: at(s),
      verdictSince: at(0),
      staleClockAt: at(s),
    });
    // h1 crossed the threshold between two ticks (its clock ran out at 602.5 s); h2's clock ran out
    // long before the last pass but its row appeared only now (as a merge may write it)
    await handle.db.insert(hosts).values([seen("h1", 2.5), seen("h2", -100)]);
    await engine.tick(handle.db, at(603));
    expect(await staleOf(), "the crossing is taken at once").toEqual(["h0", "h1"]);
    await engine.tick(handle.db, at(605));
    expect(await staleOf(), "a clock outside the window waits for the full pass").toEqual(["h0", "h1"]);
    await engine.tick(handle.db, at(611));
    expect(await staleOf(), "taken by the full pass 10 s after the last one").toEqual(["h0", "h1", "h2"]);
    // a stale alert gone while its host is still stale (here: deleted) is raised again by a full pass
    await handle.db.delete(alerts).where(eq(alerts.hostId, "h0"));
    await engine.tick(handle.db, at(612));
    expect(await staleOf()).toEqual(["h1", "h2"]);
    await engine.tick(handle.db, at(621));
    expect(await staleOf()).toEqual(["h0", "h1", "h2"]);
  });

  test("a tick whose clock went back reads every stale host", async () => {
    const staleOf = async () => (await handle.db.select().from(alerts)).map((a) => a.hostId).sort();
    await addHosts(1, at(0));
    await engine.tick(handle.db, at(700));
    expect(await staleOf()).toEqual(["h0"]);
    await handle.db.insert(hosts).values({
      id: "h1",
      machineId: "m-h1",
      hostname: "host-h1",
      enrolledAt: at(0),
      lastSeenAt: at(0),
      verdictSince: at(0),
      staleClockAt: at(0),
    });
    await engine.tick(handle.db, at(650));
    expect(await staleOf(), "650 s: before the last cutoff, so a full pass").toEqual(["h0", "h1"]);
  });

  test("a server outage longer than the stale threshold raises no stale alert: only uptime counts", async () => {
    const clock = new ManualClock(at(0));
    const log = silentLogger();
    const ctx = {
      db: handle.db,
      hub: createMemoryHub(log),
      clock,
      log,
      config: loadConfig({ KDUMPWATCH_STALE_AFTER: "600", KDUMPWATCH_RECONNECT_GRACE: "0" }),
    };
    const first = await registerInstance(ctx);
    const [h] = await addHosts(1, at(0));
    clock.set(at(100));
    await beat(ctx, first.instanceId);
    // down from 100 s until 5,000 s; the restarted server excuses the downtime (services/liveness.ts)
    clock.set(at(5000));
    const second = await registerInstance(ctx);
    expect(second.outageSince?.getTime()).toBe(at(100).getTime());
    await engine.tick(handle.db, at(5001));
    await engine.tick(handle.db, at(5600));
    expect(await handle.db.select().from(alerts), "a full stale period of uptime after the restart").toEqual(
      [],
    );
    await engine.tick(handle.db, at(5601));
    await engine.tick(handle.db, at(5661));
    const ns = await notifications();
    expect(ns.map((n) => [n.items[0]?.labels.alertname, n.items[0]?.labels.host_id])).toEqual([
      ["KdumpHostStale", h],
    ]);
  });

  test("without the restart's excuse the same host would have paged at once (the control)", async () => {
    await addHosts(1, at(0));
    await engine.tick(handle.db, at(5001));
    expect((await handle.db.select().from(alerts)).map((a) => a.alertname)).toEqual(["KdumpHostStale"]);
  });

  test("a new crash dump pages once per dump, the baseline does not, and removing it resolves", async () => {
    const [h] = await addHosts(1);
    const d = (name: string, complete = true): DumpEntry => ({
      name,
      stamp: name,
      time: null,
      complete,
      sizeBytes: null,
    });
    await report(judged(h!, { dumps: [d("202601010000")] }), at(0));
    await engine.tick(handle.db, at(100));
    expect(await notifications(), "baseline dump is not new").toEqual([]);
    await report(judged(h!, { dumps: [d("202601010000"), d("202611261000", false)] }), at(200));
    await engine.tick(handle.db, at(260));
    await report(judged(h!, { dumps: [d("202601010000")] }), at(300));
    await engine.tick(handle.db, at(360));
    const ns = await notifications();
    expect(ns.map((n) => [n.status, n.items[0]?.labels.dump])).toEqual([
      ["firing", "202611261000"],
      ["resolved", "202611261000"],
    ]);
    expect(ns[0]?.items[0]?.annotations.summary).toMatch(/new dump 202611261000 .*INCOMPLETE/);
  });

  test("an unchanged judgement already evaluated is skipped; one never evaluated is caught up", async () => {
    const [h] = await addHosts(1);
    const failing = judged(h!, { checks: checks(["kdump.loaded"]), judgementKey: "j1/" });
    await report(failing, at(0));
    expect(await handle.db.select().from(alerts), "evaluated").toHaveLength(1);
    await handle.db.delete(alerts);
    await report(failing, at(10));
    expect(await handle.db.select().from(alerts), "same judgement: skipped").toHaveLength(0);
    await report({ ...failing, judgementKey: "j2/" }, at(20));
    expect(await handle.db.select().from(alerts), "new judgement: evaluated").toHaveLength(1);
  });

  test("a duplicate machine-id alerts on the duplicate host", async () => {
    const [a, b] = await addHosts(2);
    await report(judged(b!, { duplicateOfHostId: a! }), at(0));
    await engine.tick(handle.db, at(60));
    const ns = await notifications();
    expect(ns.map((n) => [n.items[0]?.labels.alertname, n.items[0]?.labels.host_id])).toEqual([
      ["KdumpDuplicateMachineId", b],
    ]);
    expect(ns[0]?.items[0]?.annotations.summary).toMatch(/same machine-id as host-h0 \(h0\)/);
  });

  test("the outbox hands out rows in order and seals a group at its first claim", async () => {
    const [a, b] = await addHosts(2);
    const zero = new AlertEngine({
      policy: { holdMs: 0, reminderBaseMs: 4 * 3600 * S, reminderCapMs: 24 * 3600 * S },
      groupWaitMs: 10 * S,
      receivers,
      staleAfterMs: 600 * S,
    });
    await handle.db.transaction((tx) =>
      zero.onHostJudged(tx, judged(a!, { checks: checks(["kdump.loaded"]) }), at(0)),
    );
    const store = new PgOutboxStore(handle.db);
    const rx = receivers[0]!.id;
    expect(await store.claimNext(rx, at(5), at(20)), "not due inside the group wait").toBeNull();
    const first = await store.claimNext(rx, at(10), at(20));
    expect(first?.notification.items).toHaveLength(1);
    expect(await store.claimNext(rx, at(11), at(20)), "leased").toBeNull();
    // the group is sealed: a later alert of the same check opens a new one
    await handle.db.transaction((tx) =>
      zero.onHostJudged(tx, judged(b!, { checks: checks(["kdump.loaded"]) }), at(11)),
    );
    expect(await notifications()).toHaveLength(2);
    await store.markFailed(first!.id, 1, at(30), "HTTP 500");
    expect(
      await store.claimNext(rx, at(25), at(40)),
      "head waits for its retry; the next does not overtake",
    ).toBeNull();
    const again = await store.claimNext(rx, at(30), at(40));
    expect(again?.id).toBe(first?.id);
    await store.markDelivered(again!.id, at(31));
    const second = await store.claimNext(rx, at(31), at(50));
    expect(second?.notification.items[0]?.labels.host_id).toBe(b);
  });

  describe("one root cause, one page", () => {
    const chain = ["crashkernel.param", "crashkernel.reserved", "kdump.loaded"];
    const withRules = (rules = DEFAULT_INHIBIT_RULES) =>
      new AlertEngine({
        policy: { holdMs: 60 * S, reminderBaseMs: 4 * 3600 * S, reminderCapMs: 24 * 3600 * S },
        groupWaitMs: 0,
        receivers,
        staleAfterMs: 600 * S,
        silenceCacheMs: 0,
        inhibitRules: rules,
      });
    const sent = async () =>
      (await notifications()).flatMap((n) =>
        n.items.map((i) => [i.kind, i.labels.check, i.annotations.consequences ?? ""]),
      );

    test("a host without crashkernel= pages once, for the parameter, naming the missing reservation and capture kernel", async () => {
      const [h] = await addHosts(1);
      const e = withRules();
      await handle.db.transaction((tx) => e.onHostJudged(tx, judged(h!, { checks: checks(chain) }), at(0)));
      await e.tick(handle.db, at(61));
      expect(await sent()).toEqual([
        [
          "firing",
          "crashkernel.param",
          "crashkernel.reserved: crashkernel.reserved fails\nkdump.loaded: kdump.loaded fails",
        ],
      ]);
      const open = await handle.db.select().from(alerts);
      expect(
        open.map((a) => [a.checkId, a.state, a.notified]).sort(),
        "the consequences are tracked, firing, but paged nobody",
      ).toEqual([
        ["crashkernel.param", "firing", true],
        ["crashkernel.reserved", "firing", false],
        ["kdump.loaded", "firing", false],
      ]);
      // inhibited alerts are not polled: they wait for their source to close
      expect(open.filter((a) => !a.notified).map((a) => a.dueAt)).toEqual([null, null]);
    });

    test("when the parameter and the reservation are back but no capture kernel is loaded, that alert pages then", async () => {
      const [h] = await addHosts(1);
      const e = withRules();
      await handle.db.transaction((tx) => e.onHostJudged(tx, judged(h!, { checks: checks(chain) }), at(0)));
      await e.tick(handle.db, at(61));
      await handle.db.transaction((tx) =>
        e.onHostJudged(tx, judged(h!, { checks: checks(["kdump.loaded"]) }), at(100)),
      );
      await e.tick(handle.db, at(130));
      expect(await sent(), "still inside the hold: the sources are clearing, nothing new").toHaveLength(1);
      await e.tick(handle.db, at(161));
      await e.tick(handle.db, at(162));
      expect(await sent()).toEqual([
        [
          "firing",
          "crashkernel.param",
          "crashkernel.reserved: crashkernel.reserved fails\nkdump.loaded: kdump.loaded fails",
        ],
        [
          "resolved",
          "crashkernel.param",
          "crashkernel.reserved: crashkernel.reserved fails\nkdump.loaded: kdump.loaded fails",
        ],
        ["firing", "kdump.loaded", ""],
      ]);
    });

    test("with KDUMPWATCH_ALERT_INHIBIT=off each failing check pages on its own (the control)", async () => {
      const [h] = await addHosts(1);
      const e = withRules([]);
      await handle.db.transaction((tx) => e.onHostJudged(tx, judged(h!, { checks: checks(chain) }), at(0)));
      await e.tick(handle.db, at(61));
      expect((await sent()).map(([kind, check]) => [kind, check])).toEqual([
        ["firing", "crashkernel.param"],
        ["firing", "crashkernel.reserved"],
        ["firing", "kdump.loaded"],
      ]);
    });

    test("a host's labels ride in its alerts' labels and stay as they were once the alert paged", async () => {
      const [h] = await addHosts(1);
      const e = withRules();
      await handle.db.transaction((tx) =>
        e.onHostJudged(
          tx,
          judged(h!, { checks: checks(["kdump.loaded"]), labels: { team: "storage" } }),
          at(0),
        ),
      );
      await e.tick(handle.db, at(61));
      await handle.db.transaction((tx) =>
        e.onHostJudged(tx, judged(h!, { checks: checks(["kdump.loaded"]), labels: { team: "db" } }), at(70)),
      );
      await e.tick(handle.db, at(200_000));
      const items = (await notifications()).flatMap((n) => n.items);
      expect(items.map((i) => [i.kind, i.labels.team])).toEqual([
        ["firing", "storage"],
        ["reminder", "storage"],
      ]);
    });
  });

  test("a notification claimed for delivery carries its group's state: every alert still firing", async () => {
    const [a, b, c] = await addHosts(3);
    const zero = new AlertEngine({
      policy: { holdMs: 0, reminderBaseMs: 4 * 3600 * S, reminderCapMs: 24 * 3600 * S },
      groupWaitMs: 0,
      receivers,
      staleAfterMs: 600 * S,
    });
    for (const [i, id] of [a, b, c].entries()) {
      await handle.db.transaction((tx) =>
        zero.onHostJudged(tx, judged(id!, { checks: checks(["kdump.loaded"]) }), at(i)),
      );
    }
    await handle.db.transaction((tx) => zero.onHostJudged(tx, judged(b!), at(5)));
    const store = new PgOutboxStore(handle.db);
    const rx = receivers[0]!.id;
    for (let i = 0; i < 3; i++) {
      const d = await store.claimNext(rx, at(10), at(20), 0);
      if (d) await store.markDelivered(d.id, at(10));
    }
    const resolve = await store.claimNext(rx, at(10), at(20), null);
    expect(resolve?.notification.items.map((i) => [i.kind, i.labels.host_id])).toEqual([["resolved", b]]);
    expect(resolve?.notification.state?.firingTotal).toBe(2);
    expect(resolve?.notification.state?.firing.map((i) => i.labels.host_id).sort()).toEqual([a, c]);
    expect(resolve?.notification.state?.stillFiring).toEqual([]);
    const limited = await store.claimNext(receivers[1]!.id, at(10), at(20), 1);
    expect(limited?.notification.state?.firing, "at most the receiver's limit").toHaveLength(1);
    expect(limited?.notification.state?.firingTotal, "the state now, not when it was enqueued").toBe(2);
  });
});
