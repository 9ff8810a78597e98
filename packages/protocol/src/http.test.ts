import { describe, expect, test } from "vitest";
import {
  ApiErrorSchema,
  FleetHistoryQuerySchema,
  FleetHistorySchema,
  FleetSummarySchema,
  HostListQuerySchema,
  HostSummarySchema,
  LiveEventSchema,
  TokenCreateSchema,
} from "./index.ts";

const host = {
  id: "3f0c",
  hostname: "web-1",
  machineId: "m1",
  verdict: "not_ready",
  stale: false,
  failing: ["crashkernel.reserved"],
  os: "Ubuntu 24.04 LTS",
  kernel: "6.8.0-45-generic",
  ramBytes: 8 * 2 ** 30,
  crashkernel: null,
  reservedBytes: null,
  lastSeenAt: "2026-11-26T10:00:00.000Z",
  verdictSince: "2026-11-26T09:00:00.000Z",
  enrolledAt: "2026-11-26T08:00:00.000Z",
  agentVersion: "0.1.0",
  duplicateOf: null,
};

describe("byte counts in the API stay exact", () => {
  test.each<[unknown, boolean]>([
    [8 * 2 ** 30, true],
    ["9007199254740993", true],
    ["18446744073709551615", true],
    [2 ** 53, false], // a number this large may already be rounded: it must come as a string
    ["9007199254740991", false], // below 2^53: one spelling only, the number
    ["18446744073709551616", false],
    [-1, false],
    [1.5, false],
    ["1e20", false],
  ])("ramBytes %j is accepted: %s", (ramBytes, ok) => {
    expect(HostSummarySchema.safeParse({ ...host, ramBytes }).success).toBe(ok);
  });

  test("a host summary with 2^53 + 1 bytes survives JSON and the schema unchanged", () => {
    const wire = JSON.parse(JSON.stringify({ ...host, reservedBytes: "9007199254740993" }));
    expect(HostSummarySchema.parse(wire).reservedBytes).toBe("9007199254740993");
  });
});

describe("HTTP API schemas", () => {
  test("host list query strings are coerced: verdict list, stale boolean, numeric limit", () => {
    const r = HostListQuerySchema.safeParse({
      verdict: "not_ready,unknown",
      stale: "true",
      limit: "20",
      sort: "-lastSeenAt",
    });
    expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    expect(r.data).toEqual({
      verdict: ["not_ready", "unknown"],
      stale: true,
      limit: 20,
      sort: "-lastSeenAt",
    });
  });

  test("the host list limit defaults to 50", () => {
    expect(HostListQuerySchema.parse({}).limit).toBe(50);
  });

  test.each([
    ["an unknown verdict", { verdict: "ready,broken" }],
    ["an unknown check id", { check: "kdump.nonsense" }],
    ["an unknown sort column", { sort: "password" }],
    ["a double minus sort", { sort: "--hostname" }],
    ["a limit above the maximum", { limit: "5000" }],
    ["a non-numeric limit", { limit: "ten" }],
    ["a non-boolean stale", { stale: "maybe" }],
  ])("the host list query refuses %s", (_name, query) => {
    expect(HostListQuerySchema.safeParse(query).success).toBe(false);
  });

  test("a host summary with unknown facts as null parses, an absent field does not", () => {
    expect(HostSummarySchema.safeParse(host).success).toBe(true);
    const { crashkernel: _dropped, ...withoutCrashkernel } = host;
    expect(HostSummarySchema.safeParse(withoutCrashkernel).success).toBe(false);
  });

  test("live events are told apart by type", () => {
    const ev = LiveEventSchema.parse({ type: "host_stale", host: { ...host, stale: true } });
    expect(ev.type).toBe("host_stale");
    expect(LiveEventSchema.safeParse({ type: "host_deleted", id: "x" }).success).toBe(false);
  });

  test("the fleet summary needs a count for every verdict", () => {
    const summary = {
      total: 1,
      verdicts: { ready: 0, at_risk: 0, not_ready: 1, unknown: 0 },
      stale: 0,
      failingChecks: [{ check: "crashkernel.reserved", hosts: 1 }],
      os: [{ value: "Ubuntu 24.04 LTS", hosts: 1, ready: 0, at_risk: 0, not_ready: 1, unknown: 0 }],
      kernels: [{ value: null, hosts: 1, ready: 0, at_risk: 0, not_ready: 1, unknown: 0 }],
      duplicates: 0,
      generatedAt: "2026-11-26T10:00:00.000Z",
    };
    expect(FleetSummarySchema.safeParse(summary).success).toBe(true);
    expect(FleetSummarySchema.safeParse({ ...summary, verdicts: { ready: 1 } }).success).toBe(false);
    const bucketWithoutVerdicts = { ...summary, os: [{ value: "Ubuntu 24.04 LTS", hosts: 1 }] };
    expect(FleetSummarySchema.safeParse(bucketWithoutVerdicts).success, "OS buckets carry verdicts").toBe(
      false,
    );
  });

  test("a fleet history query takes an ISO since and a step of at least a minute, both optional", () => {
    expect(FleetHistoryQuerySchema.parse({})).toEqual({});
    expect(FleetHistoryQuerySchema.parse({ since: "2026-11-20T00:00:00+01:00", step: "3600" })).toEqual({
      since: "2026-11-20T00:00:00+01:00",
      step: 3600,
    });
    for (const bad of [{ step: "59" }, { step: "1.5" }, { step: "lots" }, { since: "yesterday" }]) {
      expect(FleetHistoryQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  test("a fleet history point needs a whole, non-negative count for every verdict", () => {
    const point = { at: "2026-11-26T10:00:00.000Z", ready: 3, at_risk: 0, not_ready: 1, unknown: 0 };
    expect(FleetHistorySchema.safeParse({ points: [point] }).success).toBe(true);
    expect(FleetHistorySchema.safeParse({ points: [{ ...point, unknown: -1 }] }).success).toBe(false);
    expect(FleetHistorySchema.safeParse({ points: [{ ...point, at_risk: undefined }] }).success).toBe(false);
  });

  test("a token request gets one use and a day by default, and refuses a ttl under a minute", () => {
    expect(TokenCreateSchema.parse({})).toEqual({ uses: 1, ttlSeconds: 86_400 });
    expect(TokenCreateSchema.safeParse({ ttlSeconds: 5 }).success).toBe(false);
  });

  test("the error shape refuses a code outside the closed set", () => {
    expect(
      ApiErrorSchema.safeParse({ error: { code: "not_found", message: "m", requestId: "r" } }).success,
    ).toBe(true);
    expect(ApiErrorSchema.safeParse({ error: { code: "oops", message: "m", requestId: "r" } }).success).toBe(
      false,
    );
  });
});
