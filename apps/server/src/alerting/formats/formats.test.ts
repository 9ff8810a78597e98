import { describe, expect, test } from "vitest";
import { testItem, testNotification } from "../test-notifications.ts";
import { FIRING_TTL_MS, type PostableAlert, renderAlertmanagerV2 } from "./alertmanager-v2.ts";
import {
  type AlertmanagerWebhookBody,
  renderAlertmanagerWebhook,
  ZERO_TIME,
} from "./alertmanager-webhook.ts";
import { renderSlack, SLACK_MAX_HOSTS, type SlackMessage } from "./slack.ts";

const ctx = { publicUrl: "https://kdw.example/", now: new Date("2026-11-26T12:00:00Z") };

describe("generic webhook: Alertmanager webhook JSON", () => {
  test("a firing notification carries version 4, labels, annotations and the host page link", () => {
    const n = testNotification([testItem("h1", "web-1"), testItem("h2", "web-2")]);
    const body = JSON.parse(renderAlertmanagerWebhook(n, ctx).body) as AlertmanagerWebhookBody;
    expect(body.version).toBe("4");
    expect(body.status).toBe("firing");
    expect(body.groupLabels).toEqual({ alertname: "KdumpCheckFailing", check: "crashkernel.reserved" });
    expect(body.commonLabels, "host differs, the rest is common").toEqual({
      alertname: "KdumpCheckFailing",
      check: "crashkernel.reserved",
      severity: "critical",
    });
    expect(body.externalURL).toBe("https://kdw.example");
    expect(body.alerts).toHaveLength(2);
    const a = body.alerts[0];
    expect(a?.labels).toEqual({
      alertname: "KdumpCheckFailing",
      host: "web-1",
      host_id: "h1",
      check: "crashkernel.reserved",
      severity: "critical",
    });
    expect(a?.annotations).toEqual({
      summary: "no memory is reserved for the crash kernel",
      remediation: "sudo update-grub\nsudo reboot",
    });
    expect(a?.status).toBe("firing");
    expect(a?.startsAt).toBe("2026-11-26T10:00:00.000Z");
    expect(a?.endsAt, "not ended: Go zero time").toBe(ZERO_TIME);
    expect(a?.generatorURL).toBe("https://kdw.example/#/hosts/h1");
    expect(a?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(body.alerts[1]?.fingerprint).not.toBe(a?.fingerprint);
  });

  test("a resolve has status resolved and the time it ended", () => {
    const body = JSON.parse(
      renderAlertmanagerWebhook(testNotification([testItem("h1", "web-1", "resolved")]), ctx).body,
    ) as AlertmanagerWebhookBody;
    expect(body.status).toBe("resolved");
    expect(body.alerts[0]?.status).toBe("resolved");
    expect(body.alerts[0]?.endsAt).toBe("2026-11-26T11:00:00.000Z");
  });

  test("a crash dump alert carries the dump label", () => {
    const item = testItem("h1", "web-1", "firing", {
      alertname: "KdumpCrashDumpFound",
      check: "crash.dumps",
      subject: "202611261000",
    });
    const body = JSON.parse(
      renderAlertmanagerWebhook(testNotification([item]), ctx).body,
    ) as AlertmanagerWebhookBody;
    expect(body.alerts[0]?.labels.dump).toBe("202611261000");
    expect(body.alerts[0]?.labels.severity).toBe("warning");
  });
});

describe("Alertmanager v2 API", () => {
  test("posts an array of postable alerts; a firing one ends in the future, a resolved one when it ended", () => {
    const n = testNotification([testItem("h1", "web-1"), testItem("h2", "web-2")]);
    const alerts = JSON.parse(renderAlertmanagerV2(n, ctx).body) as PostableAlert[];
    expect(Array.isArray(alerts)).toBe(true);
    expect(Object.keys(alerts[0] ?? {}).sort()).toEqual([
      "annotations",
      "endsAt",
      "generatorURL",
      "labels",
      "startsAt",
    ]);
    expect(alerts[0]?.endsAt).toBe(new Date(ctx.now.getTime() + FIRING_TTL_MS).toISOString());
    const resolved = JSON.parse(
      renderAlertmanagerV2(testNotification([testItem("h1", "web-1", "resolved")]), ctx).body,
    ) as PostableAlert[];
    expect(resolved[0]?.endsAt).toBe("2026-11-26T11:00:00.000Z");
  });
});

describe("Slack incoming webhook", () => {
  test("one host: the title names it, the remediation and a link to the host page follow", () => {
    const msg = JSON.parse(
      renderSlack(testNotification([testItem("h1", "web-1")]), ctx).body,
    ) as SlackMessage;
    expect(msg.text).toBe("[FIRING:1] crashkernel.reserved failing on web-1");
    expect(msg.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: msg.text } });
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain("sudo update-grub");
    expect(all).toContain("<https://kdw.example/#/hosts/h1|web-1>");
  });

  test("300 hosts make one message listing 20 and counting the rest", () => {
    const items = Array.from({ length: 300 }, (_, i) => testItem(`h${i}`, `node-${i}`));
    const msg = JSON.parse(renderSlack(testNotification(items), ctx).body) as SlackMessage;
    expect(msg.text).toBe("[FIRING:300] crashkernel.reserved failing on 300 hosts");
    const list = msg.blocks.find((b) => b.type === "section" && b.text.text.startsWith("•"));
    expect(list?.type === "section" && list.text.text.split("\n")).toHaveLength(SLACK_MAX_HOSTS + 1);
    expect(JSON.stringify(msg.blocks)).toContain(`… and ${300 - SLACK_MAX_HOSTS} more`);
    for (const b of msg.blocks)
      if (b.type === "section") expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });

  test("host names and summaries from hosts are escaped, so they cannot forge links or mentions", () => {
    const item = testItem("h1", "<!channel>&<http://evil|x>");
    const msg = JSON.parse(
      renderSlack(testNotification([item, testItem("h2", "b")]), ctx).body,
    ) as SlackMessage;
    const all = JSON.stringify(msg.blocks);
    expect(all).not.toContain("<!channel>");
    expect(all).toContain("&lt;!channel&gt;&amp;&lt;http://evil|x&gt;");
  });

  test("a resolve and a reminder say so", () => {
    const resolved = JSON.parse(
      renderSlack(testNotification([testItem("h1", "web-1", "resolved")]), ctx).body,
    ) as SlackMessage;
    expect(resolved.text).toBe("[RESOLVED:1] crashkernel.reserved failing on web-1");
    const reminder = JSON.parse(
      renderSlack(testNotification([testItem("h1", "web-1", "reminder")]), ctx).body,
    ) as SlackMessage;
    expect(reminder.text).toMatch(/^\[STILL FIRING:1\]/);
  });
});
