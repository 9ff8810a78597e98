import { describe, expect, test } from "vitest";
import type { NotificationItem } from "../alert-types.ts";
import { testItem, testNotification } from "../test-notifications.ts";
import { judgeSlackMessage } from "../test-slack-receiver.ts";
import { fingerprint } from "./alertmanager-model.ts";
import { FIRING_TTL_MS, type PostableAlert, renderAlertmanagerV2 } from "./alertmanager-v2.ts";
import {
  type AlertmanagerWebhookBody,
  renderAlertmanagerWebhook,
  ZERO_TIME,
} from "./alertmanager-webhook.ts";
import { renderSlack, SLACK_MAX_HOSTS, type SlackMessage } from "./slack.ts";

const ctx = { publicUrl: "https://kdw.example/", now: new Date("2026-11-26T12:00:00Z") };

function webhook(
  items: NotificationItem[],
  state?: { firing: NotificationItem[]; firingTotal: number; stillFiring: string[] },
  max = 0,
) {
  const n = testNotification(items);
  if (state) n.state = state;
  return JSON.parse(
    renderAlertmanagerWebhook(n, { ...ctx, webhookMaxAlerts: max }).body,
  ) as AlertmanagerWebhookBody;
}

describe("generic webhook: Alertmanager webhook JSON", () => {
  test("a firing notification carries version 4, the group key, labels, annotations and the host page link", () => {
    const body = webhook([
      testItem("h1", "web-1", "firing", {}, { team: "storage" }),
      testItem("h2", "web-2"),
    ]);
    expect(body.version).toBe("4");
    expect(body.status).toBe("firing");
    expect(body.groupKey).toBe('{}:{alertname="KdumpCheckFailing", check="crashkernel.reserved"}');
    expect(body.truncatedAlerts).toBe(0);
    expect(body.groupLabels).toEqual({ alertname: "KdumpCheckFailing", check: "crashkernel.reserved" });
    expect(body.commonLabels, "host and team differ, the rest is common").toEqual({
      alertname: "KdumpCheckFailing",
      check: "crashkernel.reserved",
      severity: "critical",
    });
    expect(body.externalURL).toBe("https://kdw.example");
    const a = body.alerts.find((x) => x.labels.host === "web-1");
    expect(a?.labels).toEqual({
      alertname: "KdumpCheckFailing",
      host: "web-1",
      host_id: "h1",
      check: "crashkernel.reserved",
      severity: "critical",
      team: "storage",
    });
    expect(a?.annotations).toEqual({
      summary: "no memory is reserved for the crash kernel",
      remediation: "sudo update-grub\nsudo reboot",
    });
    expect(a?.endsAt, "not ended: Go zero time").toBe(ZERO_TIME);
    expect(a?.generatorURL).toBe("https://kdw.example/#/hosts/h1");
    expect(a?.fingerprint, "Alertmanager's fingerprint of the label set").toBe(fingerprint(a?.labels ?? {}));
  });

  test("each notification carries the group's whole state: the alert that changed and every other one still firing", () => {
    const changed = testItem("h3", "web-3");
    const body = webhook([changed], {
      firing: [testItem("h1", "web-1"), testItem("h2", "web-2"), { ...changed }],
      firingTotal: 3,
      stillFiring: [changed.alertId],
    });
    expect(body.alerts.map((a) => [a.labels.host, a.status])).toEqual([
      ["web-1", "firing"],
      ["web-2", "firing"],
      ["web-3", "firing"],
    ]);
  });

  test("the group is resolved only when all of its alerts are; resolved ones ride along with the firing", () => {
    const resolved = testItem("h1", "web-1", "resolved");
    const mixed = webhook([resolved], { firing: [testItem("h2", "web-2")], firingTotal: 1, stillFiring: [] });
    expect(mixed.status, "web-2 still fires").toBe("firing");
    expect(mixed.alerts.map((a) => [a.labels.host, a.status, a.endsAt])).toEqual([
      ["web-1", "resolved", "2026-11-26T11:00:00.000Z"],
      ["web-2", "firing", ZERO_TIME],
    ]);
    const all = webhook([resolved], { firing: [], firingTotal: 0, stillFiring: [] });
    expect(all.status).toBe("resolved");
  });

  test("past the receiver's limit the rest is counted in truncatedAlerts, after Alertmanager's sort", () => {
    const firing = Array.from({ length: 12 }, (_, i) =>
      testItem(`h${i}`, `node-${String(i).padStart(2, "0")}`),
    );
    const body = webhook(
      [firing[0] as NotificationItem],
      { firing: firing.slice(0, 5), firingTotal: 12, stillFiring: ["a-h0-crashkernel.reserved-"] },
      5,
    );
    expect(body.alerts).toHaveLength(5);
    expect(body.truncatedAlerts).toBe(7);
    expect(body.alerts.map((a) => a.labels.host)).toEqual([
      "node-00",
      "node-01",
      "node-02",
      "node-03",
      "node-04",
    ]);
  });

  test("a host that resolved and fired again within one group wait is listed once, firing", () => {
    const before = { ...testItem("h1", "web-1", "resolved"), alertId: "1" };
    const again = { ...testItem("h1", "web-1"), alertId: "2" };
    const body = webhook([before, again], { firing: [again], firingTotal: 1, stillFiring: ["2"] });
    expect(body.alerts.map((a) => a.status)).toEqual(["firing"]);
    expect(body.truncatedAlerts).toBe(0);
  });

  test("a root-cause alert names its consequences", () => {
    const item = testItem("h1", "web-1");
    item.annotations.consequences = "kdump.loaded: no capture kernel is loaded";
    expect(webhook([item]).alerts[0]?.annotations.consequences).toBe(
      "kdump.loaded: no capture kernel is loaded",
    );
  });

  test("a crash dump alert carries the dump label", () => {
    const item = testItem("h1", "web-1", "firing", {
      alertname: "KdumpCrashDumpFound",
      check: "crash.dumps",
      subject: "202611261000",
    });
    const body = webhook([item]);
    expect(body.alerts[0]?.labels.dump).toBe("202611261000");
    expect(body.alerts[0]?.labels.severity).toBe("warning");
  });
});

describe("Alertmanager v2 API", () => {
  test("posts the changed alerts as postable alerts; a firing one ends in the future, a resolved one when it ended", () => {
    const n = testNotification([
      testItem("h1", "web-1", "firing", {}, { site: "par1" }),
      testItem("h2", "web-2"),
    ]);
    const alerts = JSON.parse(renderAlertmanagerV2(n, ctx).body) as PostableAlert[];
    expect(Object.keys(alerts[0] ?? {}).sort()).toEqual([
      "annotations",
      "endsAt",
      "generatorURL",
      "labels",
      "startsAt",
    ]);
    expect(alerts[0]?.labels.site, "host labels route in Alertmanager").toBe("par1");
    expect(alerts[0]?.endsAt).toBe(new Date(ctx.now.getTime() + FIRING_TTL_MS).toISOString());
    const resolved = JSON.parse(
      renderAlertmanagerV2(testNotification([testItem("h1", "web-1", "resolved")]), ctx).body,
    ) as PostableAlert[];
    expect(resolved[0]?.endsAt).toBe("2026-11-26T11:00:00.000Z");
  });
});

function slack(
  items: NotificationItem[],
  state?: { firing: NotificationItem[]; firingTotal: number; stillFiring: string[] },
) {
  const n = testNotification(items);
  if (state) n.state = state;
  return JSON.parse(renderSlack(n, ctx).body) as SlackMessage;
}

describe("Slack incoming webhook", () => {
  test("one host: the text names the alert and the host; the fix, the host page and its fix link follow", () => {
    const msg = slack([testItem("h1", "web-1")]);
    expect(msg.text).toBe("[FIRING:1] KdumpCheckFailing: crashkernel.reserved failing on web-1");
    expect(msg.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "[FIRING:1] KdumpCheckFailing: crashkernel.reserved failing" },
    });
    const verdict = judgeSlackMessage(msg);
    expect(verdict.problems).toEqual([]);
    expect(verdict.links).toEqual([
      "https://kdw.example/#/hosts/h1",
      "https://kdw.example/#/hosts/h1?check=crashkernel.reserved",
    ]);
    expect(JSON.stringify(msg.blocks)).toContain("sudo update-grub");
  });

  test("300 hosts make one message counting them, listing 20 and then `… and 280 more`, within Block Kit's limits", () => {
    const items = Array.from({ length: 300 }, (_, i) => testItem(`h${i}`, `node-${i}`));
    const msg = slack(items);
    expect(msg.text).toBe("[FIRING:300] KdumpCheckFailing: crashkernel.reserved failing on 300 hosts");
    const lines = msg.blocks.flatMap((b) =>
      b.type === "section" && b.text.text.startsWith("•") ? b.text.text.split("\n") : [],
    );
    expect(lines).toHaveLength(SLACK_MAX_HOSTS + 1);
    expect(lines.at(-1)).toBe(`… and ${300 - SLACK_MAX_HOSTS} more`);
    const verdict = judgeSlackMessage(msg);
    expect(verdict.problems).toEqual([]);
    expect(
      verdict.links.filter((l) => !l.includes("?check=")),
      "each listed host links to its page",
    ).toHaveLength(20);
    expect(
      verdict.links.filter((l) => l.includes("?check=")),
      "and to its fix",
    ).toHaveLength(20);
  });

  test("the count includes the group's other firing hosts, and hosts that resolved are counted apart", () => {
    const msg = slack([testItem("h1", "web-1", "resolved")], {
      firing: [testItem("h2", "web-2"), testItem("h3", "web-3")],
      firingTotal: 2,
      stillFiring: [],
    });
    expect(msg.text).toBe(
      "[FIRING:2] KdumpCheckFailing: crashkernel.reserved failing on 2 hosts (1 resolved)",
    );
  });

  test.each([
    ["<!here>", "<!here>"],
    ["<!channel>", "<!channel>"],
    ["<@U024BE7LH>", "@U024BE7LH"],
    ["<https://evil.example|click>", "https://evil.example"],
    ["a&b<c>d", null],
  ])("a hostname %j from a host pings nobody and links nowhere", (hostname, forbidden) => {
    const item = testItem("h1", hostname);
    item.annotations.summary = `${hostname} lost its reservation <!everyone>`;
    item.annotations.remediation = `echo ${hostname}`;
    for (const msg of [slack([item]), slack([item, testItem("h2", "b")])]) {
      const verdict = judgeSlackMessage(msg);
      expect(verdict.problems).toEqual([]);
      expect(verdict.mentions, "no ping").toEqual([]);
      expect(
        verdict.links.every((l) => l.startsWith("https://kdw.example/")),
        "only links to the dashboard",
      ).toBe(true);
      if (forbidden)
        expect(JSON.stringify(msg)).not.toContain(forbidden.startsWith("<") ? forbidden : `<${forbidden}`);
      expect(JSON.stringify(msg.blocks)).toContain("&lt;");
    }
  });

  test("long summaries and commands are cut to Slack's limits, never breaking an escape", () => {
    const items = Array.from({ length: 25 }, (_, i) => {
      const it = testItem(`h${i}`, `${"&".repeat(60)}-${i}`);
      it.annotations.summary = "<".repeat(500);
      it.annotations.remediation = "&".repeat(5000);
      return it;
    });
    const msg = slack(items);
    expect(judgeSlackMessage(msg).problems).toEqual([]);
    for (const b of msg.blocks) if (b.type === "section") expect(b.text.text).not.toMatch(/&[a-z]{0,3}…/);
  });

  test("a resolve and a reminder say so", () => {
    expect(slack([testItem("h1", "web-1", "resolved")]).text).toBe(
      "[RESOLVED] KdumpCheckFailing: crashkernel.reserved failing on web-1",
    );
    expect(slack([testItem("h1", "web-1", "reminder")]).text).toMatch(/^\[STILL FIRING:1\]/);
  });

  test("a root cause lists its consequences (not paged separately)", () => {
    const item = testItem("h1", "web-1");
    item.annotations.consequences = "kdump.loaded: no capture kernel is loaded";
    const all = JSON.stringify(slack([item]).blocks);
    expect(all).toContain("not paged separately");
    expect(all).toContain("kdump.loaded: no capture kernel is loaded");
  });
});
