import type { CheckResult } from "@kdumpwatch/core";
import { criticalChecks as checks } from "@kdumpwatch/testkit/server";
import { describe, expect, test } from "vitest";
import { judgedHostOf } from "./alert-engine.ts";
import { alreadyEvaluated, decideAlert, type JudgedHost, type PlanRules, planHost } from "./alert-plan.ts";
import { type AlertRow, fingerprintOf } from "./alert-store.ts";
import type { AlertDescription, AlertKey } from "./alert-types.ts";
import { DEFAULT_INHIBIT_RULES, inhibitRank } from "./inhibition.ts";

const S = 1000;
const T0 = Date.parse("2026-12-07T10:00:00Z");
const at = (s: number) => new Date(T0 + s * S);

function judged(over: Partial<JudgedHost> = {}): JudgedHost {
  return {
    hostId: "h1",
    hostname: "web-1",
    checks: checks(),
    dumps: [],
    dumpDir: "/var/crash",
    duplicateOfHostId: null,
    labels: {},
    judgementKey: "j1/",
    ...over,
  };
}

const rules = (holdMs: number): PlanRules => ({
  policy: { holdMs, reminderBaseMs: 4 * 3600 * S, reminderCapMs: 24 * 3600 * S },
  rules: DEFAULT_INHIBIT_RULES,
  rank: inhibitRank(DEFAULT_INHIBIT_RULES),
});

let nextId = 1;
/** A stored open check alert, as lockOpenAlertsOf would return it. */
function openRow(check: string, over: Partial<AlertRow> & { description: AlertDescription }): AlertRow {
  const key: AlertKey = { hostId: "h1", alertname: "KdumpCheckFailing", check, subject: "" };
  const { description, ...rest } = over;
  return {
    id: nextId++,
    fingerprint: fingerprintOf(key),
    hostId: "h1",
    checkId: check,
    state: "pending",
    openedAt: at(0),
    firedAt: null,
    resolvedAt: null,
    lastNotifiedAt: null,
    details: description,
    alertname: "KdumpCheckFailing",
    subject: "",
    clearSince: null,
    notified: false,
    reminders: 0,
    nextReminderAt: null,
    dueAt: at(60),
    ...rest,
  };
}

describe("planHost", () => {
  test("a new host failing the parameter and the capture kernel: two new alerts, the source names its consequence", () => {
    const plan = planHost(
      {
        host: judged({ checks: checks(["kdump.loaded", "crashkernel.param"]) }),
        memory: null,
        open: [],
        duplicateOf: null,
      },
      at(0),
      [],
      rules(60 * S),
    );
    expect(plan.memory, "first readable listing is the baseline").toEqual({ baseline: [], evaluated: "j1/" });
    const writes = plan.decisions.filter((d) => d.write !== null);
    expect(writes.map((d) => [d.write?.kind, d.obs.key.check, d.phase])).toEqual([
      ["insert", "crashkernel.param", "pending"],
      ["insert", "kdump.loaded", "pending"],
    ]);
    expect(writes[0]?.obs.description.consequences).toEqual([
      { check: "kdump.loaded", summary: "kdump.loaded fails" },
    ]);
    expect(
      plan.decisions.every((d) => d.notify === null),
      "nothing pages during the hold",
    ).toBe(true);
    expect(plan.woken).toEqual([]);
  });

  test("with no hold, a source fires and pages; its target fires inhibited and pages nobody", () => {
    const plan = planHost(
      {
        host: judged({ checks: checks(["kdump.loaded", "crashkernel.param"]) }),
        memory: { baseline: [], evaluated: "j0/" },
        open: [],
        duplicateOf: null,
      },
      at(0),
      [],
      rules(0),
    );
    const byCheck = new Map(plan.decisions.map((d) => [d.obs.key.check, d]));
    expect(byCheck.get("crashkernel.param")?.notify?.kind).toBe("firing");
    expect(byCheck.get("kdump.loaded")?.phase).toBe("firing");
    expect(byCheck.get("kdump.loaded")?.notify).toBeNull();
  });

  test("a pending source that clears is forgotten and wakes its unchanged target for the next tick", () => {
    const loadedDescription: AlertDescription = {
      hostname: "web-1",
      summary: "kdump.loaded fails",
      remediation: "fix kdump.loaded",
      hostLabels: {},
    };
    const param = openRow("crashkernel.param", {
      description: { hostname: "web-1", summary: "crashkernel.param fails", remediation: "", hostLabels: {} },
    });
    const loaded = openRow("kdump.loaded", { description: loadedDescription });
    const plan = planHost(
      {
        host: judged({ checks: checks(["kdump.loaded"]) }),
        memory: null,
        open: [param, loaded],
        duplicateOf: null,
      },
      at(10),
      [],
      rules(60 * S),
    );
    const byCheck = new Map(plan.decisions.map((d) => [d.obs.key.check, d]));
    expect(byCheck.get("crashkernel.param")?.write).toEqual({ kind: "delete", id: param.id });
    expect(byCheck.get("kdump.loaded")?.write, "still pending inside its hold: nothing to write").toBeNull();
    expect(plan.woken).toEqual([loaded.id]);
  });

  test("a woken target that is rewritten afterwards is not woken again (its own due time wins)", () => {
    const param = openRow("crashkernel.param", {
      description: { hostname: "web-1", summary: "crashkernel.param fails", remediation: "", hostLabels: {} },
    });
    const loaded = openRow("kdump.loaded", {
      description: { hostname: "web-1", summary: "old text", remediation: "", hostLabels: {} },
    });
    const plan = planHost(
      {
        host: judged({ checks: checks(["kdump.loaded"]) }),
        memory: null,
        open: [param, loaded],
        duplicateOf: null,
      },
      at(10),
      [],
      rules(60 * S),
    );
    const write = plan.decisions.find((d) => d.obs.key.check === "kdump.loaded")?.write;
    expect(write?.kind).toBe("update");
    expect(plan.woken).toEqual([]);
  });

  test("a new dump after the baseline opens its own alert; the duplicate alert names the original", () => {
    const plan = planHost(
      {
        host: judged({
          dumps: [
            { name: "202612070955", stamp: "202612070955", time: null, complete: true, sizeBytes: null },
          ],
          duplicateOfHostId: "h0",
        }),
        memory: { baseline: [], evaluated: "j0/" },
        open: [],
        duplicateOf: { hostId: "h0", hostname: "web-0" },
      },
      at(0),
      [],
      rules(60 * S),
    );
    const inserted = plan.decisions.filter((d) => d.write?.kind === "insert").map((d) => d.obs.key);
    expect(inserted.map((k) => [k.alertname, k.subject])).toEqual([
      ["KdumpDuplicateMachineId", ""],
      ["KdumpCrashDumpFound", "202612070955"],
    ]);
    const dup = plan.decisions.find((d) => d.obs.key.alertname === "KdumpDuplicateMachineId");
    expect(dup?.obs.description.summary).toMatch(/same machine-id as web-0 \(h0\)/);
  });
});

describe("decideAlert", () => {
  test("a silenced alert fires without a page and is looked at again for the silence's end", () => {
    const key: AlertKey = {
      hostId: "h1",
      alertname: "KdumpCheckFailing",
      check: "kdump.enabled",
      subject: "",
    };
    const silence = {
      id: "s1",
      matchers: { check: "kdump.enabled" },
      reason: "",
      createdBy: "t",
      createdAt: at(0),
      expiresAt: at(600),
    };
    const d = decideAlert(
      { key, condition: true, description: { hostname: "web-1", summary: "x", remediation: "" } },
      null,
      at(0),
      [silence],
      new Set(),
      rules(0),
    );
    expect(d.phase).toBe("firing");
    expect(d.notify).toBeNull();
    expect(d.write?.kind === "insert" ? d.write.columns.dueAt : undefined).toEqual(at(15));
  });
});

describe("alreadyEvaluated", () => {
  test("only the same judgement key counts; a null key is always evaluated", () => {
    const memory = { baseline: [], evaluated: "j1/" };
    expect(alreadyEvaluated(judged(), memory)).toBe(true);
    expect(alreadyEvaluated(judged({ judgementKey: "j2/" }), memory)).toBe(false);
    expect(alreadyEvaluated(judged({ judgementKey: null }), { baseline: [], evaluated: null })).toBe(false);
    expect(alreadyEvaluated(judged(), null)).toBe(false);
  });
});

describe("judgedHostOf's evaluation key", () => {
  const host: Parameters<typeof judgedHostOf>[0] = {
    id: "h1",
    hostname: "web-1",
    duplicateOf: null,
    judgementHash: "j1",
    labels: { team: "ops" },
  };
  const base = checks(["kdump.loaded"]);
  const keyOf = (over: Partial<typeof host> = {}, c: CheckResult[] = base, facts: object = {}) =>
    judgedHostOf({ ...host, ...over }, { checks: c, facts }).judgementKey;

  test("a judgement that changed only what alerting does not read keeps the key", () => {
    const other: CheckResult = { id: "crashkernel.size", status: "warn", summary: "RAM grew", evidence: [] };
    expect(keyOf({ judgementHash: "j2" }, [...base, other])).toBe(keyOf());
  });

  test("what an alert shows or decides on changes the key", () => {
    const k = keyOf();
    const relabelled = checks(["kdump.loaded"]).map((c) =>
      c.id === "kdump.loaded" ? { ...c, summary: "kdump.loaded fails differently" } : c,
    );
    const dumps = {
      dumps: {
        listed: true,
        entries: [{ name: "d1", stamp: null, time: null, complete: true, sizeBytes: null }],
      },
    };
    for (const changed of [
      keyOf({}, checks(["kdump.enabled"])),
      keyOf({}, relabelled),
      keyOf({}, base, dumps),
      keyOf({ duplicateOf: "h0" }),
      keyOf({ labels: { team: "web" } }),
      keyOf({ hostname: "web-2" }),
    ]) {
      expect(changed).not.toBe(k);
    }
  });

  test("a host never judged has no key (always evaluated)", () => {
    expect(keyOf({ judgementHash: null })).toBeNull();
  });
});
