import { describe, expect, test } from "vitest";
import { type AlertLabels, alertLabels } from "./alert-types.ts";
import { isSilenced, type Silence, type SilenceMatchers, silenceMatches } from "./silences.ts";

const now = new Date("2026-11-26T10:00:00Z");
const labels: AlertLabels = alertLabels(
  { hostId: "h1", alertname: "KdumpCheckFailing", check: "crashkernel.reserved", subject: "" },
  "web-1",
);

function silence(matchers: SilenceMatchers, expiresInMs = 3600_000): Silence {
  return {
    id: "s",
    matchers,
    reason: "kernel rollout",
    createdBy: "admin",
    createdAt: now,
    expiresAt: new Date(now.getTime() + expiresInMs),
  };
}

describe("silence matching", () => {
  test.each([
    ["by host", { hostId: "h1" }, true],
    ["by another host", { hostId: "h2" }, false],
    ["by check", { check: "crashkernel.reserved" }, true],
    ["by another check", { check: "kdump.loaded" }, false],
    ["by label severity", { labels: { severity: "critical" } }, true],
    ["by label hostname", { labels: { host: "web-1" } }, true],
    ["by a label the alert lacks", { labels: { dump: "202611261000" } }, false],
    ["host and check together", { hostId: "h1", check: "crashkernel.reserved" }, true],
    ["host matches but check does not", { hostId: "h1", check: "kdump.loaded" }, false],
    ["no matcher at all matches nothing", {}, false],
  ] as Array<[string, SilenceMatchers, boolean]>)("%s", (_name, matchers, expected) => {
    expect(silenceMatches(matchers, labels)).toBe(expected);
  });

  test("an expired silence no longer silences", () => {
    expect(isSilenced([silence({ hostId: "h1" }, 1000)], labels, now)).toBe(true);
    expect(isSilenced([silence({ hostId: "h1" }, 1000)], labels, new Date(now.getTime() + 1000))).toBe(false);
  });
});
