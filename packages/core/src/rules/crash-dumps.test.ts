import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import type { DumpEntry } from "../facts/host-facts.ts";
import { checkCrashDumps } from "./crash-dumps.ts";

const now = new Date("2023-05-22T19:23:00Z");
const dump = (stamp: string, complete = true): DumpEntry => ({
  name: stamp,
  stamp,
  time: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:00`,
  complete,
  sizeBytes: null,
});

describe("crash.dumps (R13, R14)", () => {
  test("passes with no dumps", () => {
    expect(checkCrashDumps(readyUbuntu(), now).status).toBe("pass");
  });

  test("reports the newest dump and its age as information", () => {
    const r = checkCrashDumps(
      readyUbuntu({ dumps: { entries: [dump("202305191923"), dump("202305201923")] } }),
      now,
    );
    expect(r.status).toBe("info");
    expect(r.summary).toBe(
      "2 crash dumps in /var/crash, newest 202305201923 (2 days ago): analyse with crash <vmlinux> <dump>",
    );
  });

  test("warns when the newest capture is incomplete", () => {
    const r = checkCrashDumps(
      readyUbuntu({ dumps: { entries: [dump("202305191923"), dump("202305201923", false)] } }),
      now,
    );
    expect(r.status).toBe("warn");
    expect(r.summary).toMatch(/did not finish: 202305201923 is incomplete/);
  });

  test("warns on unbounded retention with three dumps", () => {
    const entries = [dump("202305181923"), dump("202305191923"), dump("202305201923")];
    const r = checkCrashDumps(readyUbuntu({ dumps: { entries }, dumpTarget: { numDumps: 0 } }), now);
    expect(r.status).toBe("warn");
    expect(r.remediation?.[0]).toMatch(/KDUMP_NUM_DUMPS/);
  });

  test("bounded retention with three dumps is information", () => {
    const entries = [dump("202305181923"), dump("202305191923"), dump("202305201923")];
    expect(
      checkCrashDumps(readyUbuntu({ dumps: { entries }, dumpTarget: { numDumps: 5 } }), now).status,
    ).toBe("info");
  });

  test("an apport report without a dump directory is mentioned", () => {
    const r = checkCrashDumps(
      readyUbuntu({ dumps: { apportReports: ["linux-image-5.15.0-46-generic-202209011511.crash"] } }),
      now,
    );
    expect(r.status).toBe("pass");
    expect(r.summary).toContain("linux-image-5.15.0-46-generic-202209011511.crash");
  });

  test("is unknown when the dump directory was not listed", () => {
    expect(checkCrashDumps(readyUbuntu({ dumps: { listed: false } }), now).status).toBe("unknown");
  });
});
