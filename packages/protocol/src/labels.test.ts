import { describe, expect, test } from "vitest";
import {
  HelloSchema,
  HostLabelsSchema,
  HostListQuerySchema,
  HostSummarySchema,
  parseLabelPair,
  sanitizeLabels,
} from "./index.ts";

describe("host labels", () => {
  test.each([
    [{ team: "storage", site: "par1", environment: "production", role: "db" }, true],
    [{ _private: "x" }, true],
    [{ Team: "x" }, false],
    [{ "9lives": "x" }, false],
    [{ "team-name": "x" }, false],
    [{ __name__: "x" }, false],
    [{ host: "forged" }, false],
    [{ alertname: "x" }, false],
    [{ team: "" }, false],
    [{ team: "a\nb" }, false],
    [{ team: "x".repeat(201) }, false],
    [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, "x"])), false],
  ])("%j valid: %s", (labels, valid) => {
    expect(HostLabelsSchema.safeParse(labels).success).toBe(valid);
  });

  test("an untrusted set keeps its valid labels and names the others", () => {
    const { labels, dropped } = sanitizeLabels({ team: "storage", Host: "x", host: "y", site: "" });
    expect(labels).toEqual({ team: "storage" });
    expect(dropped).toHaveLength(3);
  });

  test.each([
    ["team=storage", ["team", "storage"]],
    ["role=web=front", ["role", "web=front"]],
    ["team", null],
    ["=x", null],
    ["Team=x", null],
    ["team=", null],
  ])("label filter %j → %j", (text, pair) => {
    expect(parseLabelPair(text)).toEqual(pair);
  });

  test("the host list takes one label filter or several (a repeated parameter)", () => {
    expect(HostListQuerySchema.parse({ label: "team=storage" }).label).toEqual([["team", "storage"]]);
    expect(HostListQuerySchema.parse({ label: ["team=a", "site=b"] }).label).toEqual([
      ["team", "a"],
      ["site", "b"],
    ]);
    expect(HostListQuerySchema.safeParse({ label: "nope" }).success).toBe(false);
  });

  test("a host from a server older than labels reads as a host without labels", () => {
    const older = {
      id: "h1",
      hostname: "web-1",
      machineId: "m",
      verdict: "ready",
      stale: false,
      failing: [],
      os: null,
      kernel: null,
      ramBytes: null,
      crashkernel: null,
      reservedBytes: null,
      lastSeenAt: "2026-11-26T10:00:00.000Z",
      verdictSince: "2026-11-26T10:00:00.000Z",
      enrolledAt: "2026-11-26T10:00:00.000Z",
      agentVersion: null,
      duplicateOf: null,
    };
    expect(HostSummarySchema.parse(older).labels).toEqual({});
  });

  test("the hello grows by an optional labels field: with and without it, it parses", () => {
    const hello = {
      v: 1,
      type: "hello",
      agentVersion: "1",
      machineId: "m",
      hostname: "h",
      auth: { kind: "enroll", token: "t" },
    };
    expect(HelloSchema.safeParse(hello).success).toBe(true);
    expect(
      HelloSchema.parse({ ...hello, labels: { team: "storage", Odd: "kept for the server to judge" } })
        .labels,
    ).toEqual({
      team: "storage",
      Odd: "kept for the server to judge",
    });
  });
});
