import { readyUbuntu } from "@kdumpwatch/testkit/core";
import { describe, expect, test } from "vitest";
import { checkCrashkernelLowRegion } from "./crashkernel-low-region.ts";
import { MiB } from "./rule-kit.ts";

const high = {
  kind: "main",
  start: 0x101f000000,
  end: 0x103f000000,
  bytes: 512 * MiB,
  source: "iomem",
} as const;
const low = { kind: "low", start: 0xab000000, end: 0xbb000000, bytes: 256 * MiB, source: "iomem" } as const;

describe("crashkernel.low-region (R15)", () => {
  test("passes for a reservation below 4 GiB", () => {
    expect(checkCrashkernelLowRegion(readyUbuntu()).status).toBe("pass");
  });

  test("passes for a high reservation with a low region", () => {
    const r = checkCrashkernelLowRegion(readyUbuntu({ reservation: { regions: [low, high] } }));
    expect(r.status, r.summary).toBe("pass");
  });

  test("warns for a high reservation without a low region", () => {
    const r = checkCrashkernelLowRegion(readyUbuntu({ reservation: { regions: [high] } }));
    expect(r.status).toBe("warn");
  });

  test("warns for crashkernel=…,high with crashkernel=0,low when addresses are unreadable", () => {
    const r = checkCrashkernelLowRegion(
      readyUbuntu({
        crashkernel: { kind: "high", effective: "1G,high", lowBytes: 0 },
        reservation: { regions: [] },
      }),
    );
    expect(r.status).toBe("warn");
    expect(r.remediation?.[0]).toMatch(/crashkernel=0,low/);
  });

  test("passes for crashkernel=…,high on a host without RAM above 4 GiB: placed low, no low region needed", () => {
    for (const lowBytes of [256 * MiB, 0]) {
      const r = checkCrashkernelLowRegion(
        readyUbuntu({
          crashkernel: { kind: "high", effective: "512M,high", lowBytes, placement: "below-4g" },
          reservation: { regions: [] },
        }),
      );
      expect(r.status, r.summary).toBe("pass");
    }
  });

  test("is not applicable without any crashkernel=", () => {
    const r = checkCrashkernelLowRegion(
      readyUbuntu({ crashkernel: { kind: null, effective: null }, reservation: { regions: [], bytes: 0 } }),
    );
    expect(r.status).toBe("info");
  });

  test("is unknown for a high request whose regions are unreadable", () => {
    const r = checkCrashkernelLowRegion(
      readyUbuntu({ crashkernel: { kind: "high", effective: "1G,high" }, reservation: { regions: [] } }),
    );
    expect(r.status).toBe("unknown");
  });
});
