import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type SlackReceiver, startSlackReceiver } from "./test-slack-receiver.ts";

describe.each(testDrivers())("Slack delivery on $name", (driver) => {
  let h: Harness;
  let slack: SlackReceiver;
  beforeAll(async () => {
    slack = await startSlackReceiver();
    h = await createHarness(driver, {
      env: {
        KDUMPWATCH_ALERT_WEBHOOKS: `slack+${slack.url}`,
        KDUMPWATCH_ALERT_HOLD: "0",
        KDUMPWATCH_ALERT_GROUP_WAIT: "30",
        KDUMPWATCH_PUBLIC_URL: "https://kdw.example",
      },
    });
  });
  afterAll(async () => {
    await h?.kdw.alerting.close();
    await h?.dispose();
    await slack?.close();
  });

  test("25 hosts with hostile names: one message Slack accepts, counting them, listing 20, pinging nobody", async () => {
    const names = ["<!here>", "<!channel>", "<@U024BE7LH>", "<https://evil.example|login>", "a&b"];
    for (let i = 0; i < 25; i++) {
      const hostname = i < names.length ? (names[i] as string) : `node-${i}`;
      const auth = await h.kdw.services.agents.authenticate(hello({ machineId: `m-${i}`, hostname }), null);
      if (!auth.ok) throw new Error(auth.message);
      await h.kdw.services.agents.ingest(
        auth.hostId,
        snapshotFrame("verdict=not_ready failing=kdump.loaded"),
      );
    }
    h.clock.advance(31);
    await h.kdw.alerting.runOnce();
    expect(slack.received, "one notification for the group").toHaveLength(1);
    const [got] = slack.received;
    expect(got?.status, JSON.stringify(got?.verdict.problems)).toBe(200);
    expect(got?.verdict.mentions).toEqual([]);
    expect(got?.verdict.links.every((l) => l.startsWith("https://kdw.example/#/hosts/"))).toBe(true);
    const body = got?.body as { text: string; blocks: Array<{ text?: { text: string } }> };
    expect(body.text).toBe("[FIRING:25] KdumpCheckFailing: kdump.loaded failing on 25 hosts");
    expect(JSON.stringify(body.blocks)).toContain("… and 5 more");
  });
});
