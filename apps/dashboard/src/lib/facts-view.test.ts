import { expect, test } from "vitest";
import { explainCrashkernel } from "./crashkernel-explainer.ts";
import { readFacts } from "./facts-view.ts";

const MiB = 1024 * 1024;

function crashkernel(patch: Record<string, unknown> = {}) {
  return {
    cmdlineRead: true,
    tokens: ["crashkernel=2G-4G:320M,4G-32G:512M"],
    effective: "2G-4G:320M,4G-32G:512M",
    kind: "plain",
    expectedBytes: 512 * MiB,
    lowBytes: null,
    offsetBytes: null,
    uncertain: false,
    problems: [],
    problemDetails: [],
    evidence: [],
    ...patch,
  };
}

test("each facts group is read on its own: a malformed one reads as unknown, the rest stays", () => {
  const view = readFacts({
    crashkernel: crashkernel(),
    memory: { systemRamBytes: "lots" },
    reservation: { bytes: 512 * MiB, regions: [] },
  });
  expect(view.crashkernel?.effective).toBe("2G-4G:320M,4G-32G:512M");
  expect(view.memory).toBeNull();
  expect(view.reservation?.bytes).toBe(512 * MiB);
  expect(readFacts(null)).toEqual({
    crashkernel: null,
    memory: null,
    reservation: null,
    configured: null,
    kdump: null,
    identity: null,
  });
});

test.each([
  [{ reservation: { bytes: 0, regions: [] } }, "none-reserved"],
  [{ reservation: { bytes: 256 * MiB, regions: [] } }, "short"],
  [{ reservation: { bytes: 512 * MiB, regions: [] } }, "ok"],
  [{ reservation: null }, "unknown"],
  [
    { crashkernel: crashkernel({ effective: null }), reservation: { bytes: 0, regions: [] } },
    "not-configured",
  ],
  [{ crashkernel: crashkernel({ cmdlineRead: false }) }, "unknown"],
])("expected vs reserved: %o reads %s", (patch, outcome) => {
  const facts = readFacts({ crashkernel: crashkernel(), ...patch });
  expect(explainCrashkernel(facts, { ramBytes: null, reservedBytes: null }).outcome).toBe(outcome);
});

test("the value configured for the next boot is shown only when it differs", () => {
  const same = readFacts({
    crashkernel: crashkernel(),
    configuredCrashkernel: { value: "2G-4G:320M,4G-32G:512M", file: null },
  });
  expect(explainCrashkernel(same, { ramBytes: null, reservedBytes: null }).pendingValue).toBeNull();
  const other = readFacts({
    crashkernel: crashkernel(),
    configuredCrashkernel: { value: "1G", file: "/etc/default/grub" },
  });
  const x = explainCrashkernel(other, { ramBytes: null, reservedBytes: null });
  expect([x.pendingValue, x.pendingFile]).toEqual(["1G", "/etc/default/grub"]);
});

test("without facts the host row's RAM and reservation still show", () => {
  const x = explainCrashkernel(readFacts(null), { ramBytes: 8 * 1024 * MiB, reservedBytes: 0 });
  expect([x.ramBytes, x.reservedBytes, x.outcome]).toEqual([8 * 1024 * MiB, 0, "unknown"]);
});

test("byte counts from 2^53 on arrive as decimal strings and are compared exactly", () => {
  const view = readFacts({
    crashkernel: crashkernel({ expectedBytes: "9007199254740993" }),
    memory: { systemRamBytes: "18446744073709551615", systemRamSource: "dmesg", memTotalBytes: null },
    reservation: { bytes: "9007199254740992", regions: [] },
  });
  expect(view.memory?.systemRamBytes).toBe("18446744073709551615");
  const x = explainCrashkernel(view, { ramBytes: null, reservedBytes: null });
  // 2^53 reserved against 2^53 + 1 expected: one byte short, which doubles could not tell apart
  expect([x.reservedBytes, x.expectedBytes, x.outcome]).toEqual([
    "9007199254740992",
    "9007199254740993",
    "short",
  ]);
});

test("crashkernel=512M,high on a VM without RAM above 4 GiB is not reported short", () => {
  // core expects the main region alone there: no low region is reserved below 4 GiB
  const view = readFacts({
    crashkernel: crashkernel({
      effective: "512M,high",
      kind: "high",
      expectedBytes: 512 * MiB,
      lowBytes: 256 * MiB,
    }),
    reservation: { bytes: 512 * MiB, regions: [] },
  });
  expect(explainCrashkernel(view, { ramBytes: null, reservedBytes: null }).outcome).toBe("ok");
});
