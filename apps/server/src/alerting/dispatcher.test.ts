import { afterEach, describe, expect, test } from "vitest";
import { Dispatcher } from "./dispatcher.ts";
import type { AlertmanagerWebhookBody } from "./formats/alertmanager-webhook.ts";
import { MemoryOutbox } from "./memory-outbox.ts";
import { parseReceivers, type Receiver } from "./receivers.ts";
import { verifySignature } from "./sign.ts";
import { testItem } from "./test-notifications.ts";
import { startTestReceiver, type TestReceiver } from "./test-receiver.ts";

const quietLog = { info() {}, warn() {} };
const open: TestReceiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(answers?: Array<number | "hang">): Promise<TestReceiver> {
  const r = await startTestReceiver(answers);
  open.push(r);
  return r;
}

function receiversOf(...urls: string[]): Receiver[] {
  const parsed = parseReceivers(urls.join(","));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.receivers;
}

/** Kicks the dispatcher every 20 ms (as the elected job does) until `done` or the deadline. */
async function pump(d: Dispatcher, done: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) {
    d.kick();
    await new Promise((r) => setTimeout(r, 20));
  }
  await d.idle();
}

const fastRetry = { retryBaseMs: 50, retryCapMs: 200 };

describe("dispatcher against real HTTP receivers", () => {
  test("delivers a notification signed with the secret, in the Alertmanager webhook format", async () => {
    const rx = await receiver([200]);
    const store = new MemoryOutbox();
    const receivers = receiversOf(rx.url);
    store.enqueue(
      testItem("h1", "web-1"),
      new Date(),
      0,
      receivers.map((r) => r.id),
    );
    const d = new Dispatcher({
      store,
      receivers,
      secret: "s3cret",
      publicUrl: "http://kdw.test",
      now: () => new Date(),
      log: quietLog,
    });
    await pump(d, () => rx.accepted().length > 0);
    expect(rx.requests).toHaveLength(1);
    const req = rx.requests[0]!;
    expect(
      verifySignature(req.body, req.headers["x-kdumpwatch-signature"] as string, "s3cret"),
      req.body,
    ).toBe(true);
    expect(req.headers["x-kdumpwatch-delivery"]).toMatch(/^n\d+\.[0-9a-f]{16}$/);
    const body = JSON.parse(req.body) as AlertmanagerWebhookBody;
    expect(body.alerts[0]?.generatorURL).toBe("http://kdw.test/#/hosts/h1");
    expect(store.rows[0]?.deliveredAt, "marked delivered").not.toBeNull();
  });

  test("without a secret no signature header is sent", async () => {
    const rx = await receiver([200]);
    const store = new MemoryOutbox();
    const receivers = receiversOf(rx.url);
    store.enqueue(
      testItem("h1", "web-1"),
      new Date(),
      0,
      receivers.map((r) => r.id),
    );
    const d = new Dispatcher({
      store,
      receivers,
      secret: null,
      publicUrl: "http://x",
      now: () => new Date(),
      log: quietLog,
    });
    await pump(d, () => rx.accepted().length > 0);
    expect(rx.requests[0]?.headers["x-kdumpwatch-signature"]).toBeUndefined();
  });

  test("a receiver answering 500 gets the notification, once, after it recovers", async () => {
    const rx = await receiver([500, 500, 200]);
    const store = new MemoryOutbox();
    const receivers = receiversOf(rx.url);
    store.enqueue(
      testItem("h1", "web-1"),
      new Date(),
      0,
      receivers.map((r) => r.id),
    );
    const d = new Dispatcher({
      store,
      receivers,
      secret: null,
      publicUrl: "http://x",
      now: () => new Date(),
      log: quietLog,
      retry: fastRetry,
    });
    await pump(d, () => rx.accepted().length > 0);
    await new Promise((r) => setTimeout(r, 300));
    d.kick();
    await d.idle();
    expect(rx.requests.map((r) => r.answer)).toEqual([500, 500, 200]);
    expect(store.rows[0]?.attempts, "two failed attempts recorded").toBe(2);
    expect(store.rows[0]?.lastError).toBe("HTTP 500");
    const gaps = [rx.requests[1]!.at - rx.requests[0]!.at, rx.requests[2]!.at - rx.requests[1]!.at];
    for (const g of gaps) expect(g, "retries wait for the backoff").toBeGreaterThanOrEqual(10);
  });

  test("a receiver that never answers does not hold up the others", async () => {
    const hang = await receiver(["hang"]);
    const ok = await receiver([200]);
    const store = new MemoryOutbox();
    const receivers = receiversOf(hang.url, ok.url);
    const ids = receivers.map((r) => r.id);
    const t0 = Date.now();
    store.enqueue(testItem("h1", "web-1"), new Date(), 0, ids);
    const d = new Dispatcher({
      store,
      receivers,
      secret: null,
      publicUrl: "http://x",
      now: () => new Date(),
      log: quietLog,
      timeoutMs: 1500,
      retry: { retryBaseMs: 60_000, retryCapMs: 60_000 },
    });
    // a second notification while the first is hanging: the healthy lane takes it at once
    setTimeout(
      () => store.enqueue(testItem("h2", "web-2", "firing", { check: "kdump.loaded" }), new Date(), 0, ids),
      200,
    );
    await pump(d, () => ok.accepted().length >= 2, 1000);
    expect(ok.accepted(), "healthy receiver got both").toHaveLength(2);
    expect(ok.accepted()[1]!.at - t0, "well before the hanging one timed out").toBeLessThan(1000);
    await d.idle();
    const hangRow = store.rows.find((r) => r.receiverId === ids[0]);
    expect(hangRow?.lastError).toBe("no answer within 1500 ms");
    expect(hangRow?.deliveredAt).toBeNull();
  });

  test("per receiver, notifications keep their order: a resolve never overtakes its firing", async () => {
    const rx = await receiver([503, 200]);
    const store = new MemoryOutbox();
    const receivers = receiversOf(rx.url);
    const ids = receivers.map((r) => r.id);
    store.enqueue(testItem("h1", "web-1", "firing"), new Date(), 0, ids);
    store.enqueue(testItem("h1", "web-1", "resolved"), new Date(), 0, ids);
    const d = new Dispatcher({
      store,
      receivers,
      secret: null,
      publicUrl: "http://x",
      now: () => new Date(),
      log: quietLog,
      retry: fastRetry,
    });
    await pump(d, () => rx.accepted().length >= 2);
    const statuses = rx.requests.map((r) => (JSON.parse(r.body) as AlertmanagerWebhookBody).status);
    expect(statuses).toEqual(["firing", "firing", "resolved"]);
  });

  test("slack+ and alertmanager+ receivers get their own formats", async () => {
    const slack = await receiver([200]);
    const am = await receiver([200]);
    const store = new MemoryOutbox();
    const receivers = receiversOf(`slack+${slack.url}`, `alertmanager+${am.url.replace("/hook", "")}`);
    store.enqueue(
      testItem("h1", "web-1"),
      new Date(),
      0,
      receivers.map((r) => r.id),
    );
    const d = new Dispatcher({
      store,
      receivers,
      secret: "k",
      publicUrl: "http://x",
      now: () => new Date(),
      log: quietLog,
    });
    await pump(d, () => slack.accepted().length > 0 && am.accepted().length > 0);
    expect(JSON.parse(slack.requests[0]!.body)).toHaveProperty("blocks");
    expect(am.requests[0]?.path).toBe("/api/v2/alerts");
    expect(Array.isArray(JSON.parse(am.requests[0]!.body))).toBe(true);
    expect(am.requests[0]?.headers["x-kdumpwatch-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  test("rows of a receiver removed from the configuration are dropped, not retried forever", async () => {
    const rx = await receiver([200]);
    const store = new MemoryOutbox();
    const receivers = receiversOf(rx.url);
    store.enqueue(testItem("h1", "web-1"), new Date(), 0, ["gone-receiver", receivers[0]!.id]);
    const d = new Dispatcher({
      store,
      receivers,
      secret: null,
      publicUrl: "http://x",
      now: () => new Date(),
      log: quietLog,
    });
    await pump(d, () => rx.accepted().length > 0);
    expect(store.rows.find((r) => r.receiverId === "gone-receiver")?.droppedAt).not.toBeNull();
  });
});
