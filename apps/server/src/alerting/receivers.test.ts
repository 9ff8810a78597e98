import { describe, expect, test } from "vitest";
import { parseReceivers } from "./receivers.ts";

describe("KDUMPWATCH_ALERT_WEBHOOKS", () => {
  test("the scheme prefix picks the format and the alertmanager path is completed", () => {
    const r = parseReceivers(
      " https://hooks.example/kdump , slack+https://hooks.slack.com/services/T/B/X,alertmanager+http://am:9093/ ,",
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.receivers.map((x) => [x.kind, x.url, x.name])).toEqual([
      ["webhook", "https://hooks.example/kdump", "webhook https://hooks.example"],
      ["slack", "https://hooks.slack.com/services/T/B/X", "slack https://hooks.slack.com"],
      ["alertmanager", "http://am:9093/api/v2/alerts", "alertmanager http://am:9093"],
    ]);
    expect(new Set(r.receivers.map((x) => x.id)).size, "ids differ").toBe(3);
  });

  test("an alertmanager URL that already names the API is kept", () => {
    const r = parseReceivers("alertmanager+https://am.example/prefix/api/v2/alerts");
    expect(r.ok && r.receivers[0]?.url).toBe("https://am.example/prefix/api/v2/alerts");
  });

  test("unset or empty means no receiver; duplicates count once", () => {
    expect(parseReceivers(undefined)).toEqual({ ok: true, receivers: [] });
    const r = parseReceivers("http://a/x,http://a/x");
    expect(r.ok && r.receivers.length).toBe(1);
  });

  test.each([
    ["ftp://host/x", /entry 1: unsupported scheme "ftp:"/],
    ["http://ok/, not a url", /entry 2: not a URL/],
    ["teams+https://x/y", /entry 1: not a URL|unsupported scheme/],
  ])("%s is refused with a message naming the variable", (value, message) => {
    const r = parseReceivers(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^KDUMPWATCH_ALERT_WEBHOOKS: /);
      expect(r.error).toMatch(message);
    }
  });
});
