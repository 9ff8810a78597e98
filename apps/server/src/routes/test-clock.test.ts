import { AlertListSchema } from "@kdumpwatch/protocol";
import { ADMIN_TOKEN, createHarness, type Harness, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../app.ts";
import { clockFromEnv, SteppedClock, systemClock } from "../clock.ts";
import { ConfigError } from "../config.ts";

describe("the clock a server process runs on", () => {
  test("the system clock is the default: KDUMPWATCH_TEST_CLOCK unset or empty gives no stepped clock", () => {
    for (const env of [{}, { KDUMPWATCH_TEST_CLOCK: "" }, { PATH: "/usr/bin" }]) {
      const { clock, stepped } = clockFromEnv(env);
      expect(clock).toBe(systemClock);
      expect(stepped).toBeNull();
    }
  });

  test("stepped+N starts N seconds ahead of the system clock and only moves forward", () => {
    const { clock, stepped } = clockFromEnv({ KDUMPWATCH_TEST_CLOCK: "stepped+17" });
    expect(stepped).toBeInstanceOf(SteppedClock);
    expect(clock).toBe(stepped);
    const ahead = clock.now().getTime() - Date.now();
    expect(ahead).toBeGreaterThan(16_000);
    expect(ahead).toBeLessThanOrEqual(17_000);
    const before = clock.now().getTime();
    stepped?.advance(600);
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(600_000);
    expect(() => stepped?.advance(-1)).toThrow(RangeError);
    expect(clockFromEnv({ KDUMPWATCH_TEST_CLOCK: "stepped" }).stepped).toBeInstanceOf(SteppedClock);
  });

  test.each(["manual", "stepped-5", "stepped+", "+17", "stepped+1e9"])(
    "KDUMPWATCH_TEST_CLOCK=%s is a configuration error",
    (value) => {
      expect(() => clockFromEnv({ KDUMPWATCH_TEST_CLOCK: value })).toThrow(ConfigError);
    },
  );
});

const [driver] = testDrivers();

describe("POST /api/test/clock", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver!, { env: { KDUMPWATCH_ALERT_HOLD: "0", KDUMPWATCH_STALE_AFTER: "60" } });
  });
  afterAll(async () => h?.dispose());

  const post = (
    app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
    body: unknown,
    auth = true,
  ) =>
    app.request("/api/test/clock", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(auth ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}),
      },
      body: JSON.stringify(body),
    });

  test("does not exist on an app built without a test clock (production)", async () => {
    expect((await post(h.kdw.app, { advanceSeconds: 60 })).status).toBe(404);
    expect((await h.request("/api/test/clock")).status).toBe(404);
  });

  test("with a test clock: admin only; moves the clock and ticks, so a host past the stale threshold is alerted on return", async () => {
    const clock = new SteppedClock();
    const { app } = createApp({ ...h.ctx, clock, testClock: clock });
    await h.seedHost({ id: "quiet-1", staleClockAt: clock.now() });

    expect((await post(app, { advanceSeconds: 61 }, false)).status).toBe(401);
    expect((await post(app, { advanceSeconds: -1 })).status).toBe(400);
    const before = await app.request("/api/alerts", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(AlertListSchema.parse(await before.json()).alerts).toEqual([]);

    const res = await post(app, { advanceSeconds: 61 });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { now: string; outbox: unknown[] };
    expect(Date.parse(body.now) - Date.now()).toBeGreaterThanOrEqual(60_000);
    expect(body.outbox).toEqual([]);
    const after = await app.request("/api/alerts", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(AlertListSchema.parse(await after.json()).alerts.map((a) => [a.hostname, a.alertname])).toEqual([
      ["quiet-1", "KdumpHostStale"],
    ]);
  });
});
