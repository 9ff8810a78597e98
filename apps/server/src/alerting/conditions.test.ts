import type { CheckResult, DumpEntry } from "@kdumpwatch/core";
import { describe, expect, test } from "vitest";
import type { AlertKey } from "./alert-types.ts";
import { evaluateHost, type HostReport, staleObservation } from "./conditions.ts";

function check(id: CheckResult["id"], status: CheckResult["status"]): CheckResult {
  return { id, status, summary: `${id} is ${status}`, evidence: [], remediation: ["fix it"] };
}

function dump(name: string, complete = true): DumpEntry {
  return { name, stamp: name, time: null, complete, sizeBytes: null };
}

const allPass: CheckResult[] = [
  "kdump.tools-installed",
  "kdump.enabled",
  "crashkernel.param",
  "crashkernel.reserved",
  "kdump.loaded",
  "kexec.lockdown",
  "kexec.load-disabled",
].map((id) => check(id as CheckResult["id"], "pass"));

function report(over: Partial<HostReport> = {}): HostReport {
  return {
    hostId: "h1",
    hostname: "web-1",
    checks: allPass,
    dumps: [],
    dumpDir: "/var/crash",
    duplicateOf: null,
    ...over,
  };
}

function conditionOf(ev: ReturnType<typeof evaluateHost>, alertname: string, check: string, subject = "") {
  return ev.observations.find(
    (o) => o.key.alertname === alertname && o.key.check === check && o.key.subject === subject,
  )?.condition;
}

describe("conditions of a host that reported", () => {
  test("a failing critical check holds its condition; a failing non-critical check does not alert", () => {
    const checks = allPass.map((c) => (c.id === "crashkernel.reserved" ? check(c.id, "fail") : c));
    const ev = evaluateHost(report({ checks: [...checks, check("crashkernel.size", "fail")] }), [], []);
    expect(conditionOf(ev, "KdumpCheckFailing", "crashkernel.reserved")).toBe(true);
    expect(conditionOf(ev, "KdumpCheckFailing", "kdump.loaded")).toBe(false);
    expect(
      ev.observations.some((o) => o.key.check === "crashkernel.size"),
      "not critical",
    ).toBe(false);
    const failing = ev.observations.find((o) => o.key.check === "crashkernel.reserved");
    expect(failing?.description).toEqual({
      hostname: "web-1",
      summary: "crashkernel.reserved is fail",
      remediation: "fix it",
    });
  });

  test("a critical check judged unknown (evidence missing) is neither failing nor fixed", () => {
    const checks = allPass.map((c) => (c.id === "kdump.loaded" ? check(c.id, "unknown") : c));
    const ev = evaluateHost(report({ checks }), [], []);
    expect(conditionOf(ev, "KdumpCheckFailing", "kdump.loaded")).toBeNull();
  });

  test("a reporting host is not stale, and a duplicate machine-id holds while another host has it", () => {
    const ev = evaluateHost(report({ duplicateOf: { hostId: "h0", hostname: "web-0" } }), [], []);
    expect(conditionOf(ev, "KdumpHostStale", "host.stale")).toBe(false);
    expect(conditionOf(ev, "KdumpDuplicateMachineId", "host.duplicate-machine-id")).toBe(true);
    expect(
      conditionOf(evaluateHost(report(), [], []), "KdumpDuplicateMachineId", "host.duplicate-machine-id"),
    ).toBe(false);
  });
});

describe("crash dumps", () => {
  test("the first readable listing is the baseline: dumps already there are not paged", () => {
    const ev = evaluateHost(report({ dumps: [dump("202601011200")] }), [], null);
    expect(ev.dumpBaseline).toEqual(["202601011200"]);
    expect(ev.observations.filter((o) => o.key.alertname === "KdumpCrashDumpFound")).toEqual([]);
  });

  test("a new dump, complete or incomplete, holds a condition of its own", () => {
    const ev = evaluateHost(
      report({ dumps: [dump("202601011200"), dump("202611261000", false), dump("202611261100")] }),
      [],
      ["202601011200"],
    );
    expect(ev.dumpBaseline, "baseline kept").toBeNull();
    expect(conditionOf(ev, "KdumpCrashDumpFound", "crash.dumps", "202611261000")).toBe(true);
    expect(conditionOf(ev, "KdumpCrashDumpFound", "crash.dumps", "202611261100")).toBe(true);
    expect(conditionOf(ev, "KdumpCrashDumpFound", "crash.dumps", "202601011200")).toBeUndefined();
    const incomplete = ev.observations.find((o) => o.key.subject === "202611261000");
    expect(incomplete?.description.summary).toMatch(/INCOMPLETE/);
  });

  test("a dump that left the directory clears its alert; an unreadable listing changes nothing", () => {
    const open: AlertKey[] = [
      { hostId: "h1", alertname: "KdumpCrashDumpFound", check: "crash.dumps", subject: "d1" },
    ];
    expect(
      conditionOf(evaluateHost(report({ dumps: [] }), open, []), "KdumpCrashDumpFound", "crash.dumps", "d1"),
    ).toBe(false);
    expect(
      conditionOf(
        evaluateHost(report({ dumps: null }), open, []),
        "KdumpCrashDumpFound",
        "crash.dumps",
        "d1",
      ),
    ).toBeNull();
  });
});

test("the stale observation names the silent minutes of uptime", () => {
  const o = staleObservation("h1", "web-1", true, 900);
  expect(o.condition).toBe(true);
  expect(o.description.summary).toBe("web-1 has not reported for 15 min of server uptime");
});
