import { CLOSE_CODES } from "@kdumpwatch/protocol";
import {
  createHarness,
  type Harness,
  hello,
  listenHarness,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

describe.each(testDrivers())("admission control on the agent socket ($name)", (driver) => {
  let h: Harness;
  let srv: Awaited<ReturnType<typeof listenHarness>>;
  beforeAll(async () => {
    h = await createHarness(driver, {
      // no capacity at all: every new session is deferred
      configure: (c) => {
        c.admitWithinMs = 0;
        c.admitMinInFlight = 0;
      },
    });
    srv = await listenHarness(h);
  });
  afterAll(async () => {
    await srv?.close();
    await h?.dispose();
  });

  test("a hello the server cannot take in time is answered `retry` with a hint at once, and nothing is stored", async () => {
    const a = await TestAgent.connect(srv.wsUrl);
    a.send(hello({ machineId: "deferred", hostname: "deferred" }));
    const retry = await a.next("retry");
    expect(retry.afterMs).toBeGreaterThanOrEqual(1000);
    expect((await a.closed).code).toBe(CLOSE_CODES.tryAgainLater);
    expect((await h.counts()).hosts, "not enrolled").toBe(0);
    const b = await TestAgent.connect(srv.wsUrl);
    b.send(hello({ machineId: "deferred-2", hostname: "deferred-2" }));
    const second = await b.next("retry");
    // slots at the assumed pace are 40 ms apart here, below the 1 s floor of a hint (admission.test.ts
    // checks the slots themselves)
    expect(second.afterMs, "the next deferred agent is not sent back sooner").toBeGreaterThanOrEqual(
      retry.afterMs,
    );
    expect((await b.closed).code).toBe(CLOSE_CODES.tryAgainLater);
  });
});
