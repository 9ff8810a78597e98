import { describe, expect, test } from "vitest";
import { DEFAULT_GROUP_WAIT_SEC, DEFAULT_HOLD_SEC, parseAlertingConfig } from "./alerting-config.ts";

const none = { webhooks: undefined, webhookSecret: undefined, hold: undefined, groupWait: undefined };

describe("alerting configuration", () => {
  test("unset means no receivers and the default hold and group wait", () => {
    const r = parseAlertingConfig(none);
    expect(r.ok && r.config).toMatchObject({
      receivers: [],
      secret: null,
      holdMs: DEFAULT_HOLD_SEC * 1000,
      groupWaitMs: DEFAULT_GROUP_WAIT_SEC * 1000,
      publicUrl: null,
    });
  });

  test("values are read in seconds; a hold of 0 is allowed", () => {
    const r = parseAlertingConfig({
      ...none,
      hold: "0",
      groupWait: "5",
      webhookSecret: "k",
      webhooks: "http://a/x",
      publicUrl: "https://kdw.example/",
    });
    expect(r.ok && r.config).toMatchObject({
      holdMs: 0,
      groupWaitMs: 5000,
      secret: "k",
      publicUrl: "https://kdw.example",
    });
  });

  test("every bad value is reported, naming its variable", () => {
    const r = parseAlertingConfig({
      ...none,
      hold: "1m",
      groupWait: "-1",
      webhooks: "ftp://x",
      publicUrl: "nope",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.split(":")[0])).toEqual([
      "KDUMPWATCH_ALERT_WEBHOOKS",
      "KDUMPWATCH_ALERT_HOLD",
      "KDUMPWATCH_ALERT_GROUP_WAIT",
      "KDUMPWATCH_PUBLIC_URL",
    ]);
  });
});
