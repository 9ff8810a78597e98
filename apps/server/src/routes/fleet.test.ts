import { FleetSummarySchema } from "@kdumpwatch/protocol";
import { createHarness, type Harness, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

describe.each(testDrivers())("fleet summary on $name", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());

  test("counts hosts per verdict, stale, failing check, OS and kernel", async () => {
    const empty = FleetSummarySchema.parse(await (await h.request("/api/fleet/summary")).json());
    expect(empty).toMatchObject({ total: 0, stale: 0, failingChecks: [], os: [], kernels: [] });

    const old = new Date(h.clock.now().getTime() - 3600_000);
    await h.seedHost({ id: "a", verdict: "ready", os: "Ubuntu 24.04", kernel: "6.8.0" });
    await h.seedHost({
      id: "b",
      verdict: "not_ready",
      failing: ["crashkernel.reserved", "kdump.loaded"],
      os: "Ubuntu 24.04",
      kernel: "6.8.0",
    });
    await h.seedHost({
      id: "c",
      verdict: "not_ready",
      failing: ["kdump.loaded"],
      os: "Debian 12",
      kernel: "6.1.0",
      staleClockAt: old,
      lastSeenAt: old,
    });
    await h.seedHost({ id: "d", verdict: "unknown", failing: [], duplicateOf: "a" });
    const res = await h.request("/api/fleet/summary");
    expect(res.status).toBe(200);
    const s = FleetSummarySchema.parse(await res.json());
    expect(s).toMatchObject({
      total: 4,
      verdicts: { ready: 1, at_risk: 0, not_ready: 2, unknown: 1 },
      stale: 1,
      duplicates: 1,
      failingChecks: [
        { check: "kdump.loaded", hosts: 2 },
        { check: "crashkernel.reserved", hosts: 1 },
      ],
      os: [
        { value: "Ubuntu 24.04", hosts: 2 },
        { value: "Debian 12", hosts: 1 },
        { value: null, hosts: 1 },
      ],
    });
    expect(s.kernels.find((k) => k.value === "6.8.0")?.hosts).toBe(2);
  });

  test("each OS and kernel bucket splits its hosts by verdict, adding up to the bucket", async () => {
    await h.seedHost({
      id: "e",
      verdict: "at_risk",
      failing: ["crashkernel.size"],
      os: "Debian 12",
      kernel: "6.1.0",
    });
    await h.seedHost({ id: "f", verdict: "ready", os: "Debian 12", kernel: "6.1.0" });
    const s = FleetSummarySchema.parse(await (await h.request("/api/fleet/summary")).json());
    expect(s.os, "hosts a..f").toEqual([
      { value: "Debian 12", hosts: 3, ready: 1, at_risk: 1, not_ready: 1, unknown: 0 },
      { value: "Ubuntu 24.04", hosts: 2, ready: 1, at_risk: 0, not_ready: 1, unknown: 0 },
      { value: null, hosts: 1, ready: 0, at_risk: 0, not_ready: 0, unknown: 1 },
    ]);
    expect(s.kernels).toEqual([
      { value: "6.1.0", hosts: 3, ready: 1, at_risk: 1, not_ready: 1, unknown: 0 },
      { value: "6.8.0", hosts: 2, ready: 1, at_risk: 0, not_ready: 1, unknown: 0 },
      { value: null, hosts: 1, ready: 0, at_risk: 0, not_ready: 0, unknown: 1 },
    ]);
    for (const b of [...s.os, ...s.kernels]) {
      expect(b.ready + b.at_risk + b.not_ready + b.unknown, `bucket ${b.value}`).toBe(b.hosts);
    }
  });
});
