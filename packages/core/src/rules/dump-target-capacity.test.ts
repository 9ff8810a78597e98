import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkDumpTargetCapacity } from "./dump-target-capacity.ts";
import { GiB } from "./rule-kit.ts";

const ram8 = { memory: { systemRamBytes: 8 * GiB } };

describe("dump-target.capacity (R10)", () => {
  test.each([
    ["free ≥ RAM", 8 * GiB, "pass"],
    ["free < RAM but ≥ 10%", 2 * GiB, "warn"],
    ["free < 10% of RAM", 0.5 * GiB + 1, "fail"],
  ] as const)("%s → %s", (_name, freeBytes, status) => {
    const r = checkDumpTargetCapacity(readyUbuntu({ ...ram8, dumpTarget: { freeBytes } }));
    expect(r.status, r.summary).toBe(status);
  });

  test("fails below 1 GiB free even on a small host", () => {
    const r = checkDumpTargetCapacity(
      readyUbuntu({ memory: { systemRamBytes: 2 * GiB }, dumpTarget: { freeBytes: 0.9 * GiB } }),
    );
    expect(r.status).toBe("fail");
    expect(r.summary).toMatch(/< 1 GiB/);
  });

  test("falls back to MemTotal when System RAM is unknown", () => {
    const r = checkDumpTargetCapacity(
      readyUbuntu({
        memory: { systemRamBytes: null, memTotalBytes: 16 * GiB },
        dumpTarget: { freeBytes: 8 * GiB },
      }),
    );
    expect(r.status).toBe("warn");
  });

  test("a remote target warns as unverified and suggests propagate for SSH", () => {
    const r = checkDumpTargetCapacity(
      readyUbuntu({ dumpTarget: { remote: { kind: "ssh", target: "kdump@dumps.example" } } }),
    );
    expect(r.status).toBe("warn");
    expect(r.summary).toMatch(/not verified/);
    expect(r.remediation?.[0]).toMatch(/kdump-config propagate/);
  });

  test("is unknown without df output", () => {
    expect(checkDumpTargetCapacity(readyUbuntu({ dumpTarget: { freeBytes: null } })).status).toBe("unknown");
  });
});
