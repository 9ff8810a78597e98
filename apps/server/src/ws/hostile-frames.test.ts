import { AGENT_MESSAGE_TYPES, AgentMessageSchema } from "@kdumpwatch/protocol";
import {
  createHarness,
  type Harness,
  hello,
  listenHarness,
  snapshotFrame,
  TestAgent,
  testDrivers,
} from "@kdumpwatch/testkit/server";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WebSocket from "ws";

/** Frames an attacker might send: arbitrary text, arbitrary JSON, and near-miss protocol messages. */
const nearMiss = fc.record(
  {
    v: fc.oneof(fc.constant(1), fc.integer(), fc.string(), fc.constant(null)),
    type: fc.oneof(fc.constantFrom(...AGENT_MESSAGE_TYPES), fc.string()),
    seq: fc.oneof(fc.integer(), fc.string(), fc.double()),
    hash: fc.oneof(fc.string(), fc.integer()),
    snapshot: fc.oneof(
      fc.jsonValue(),
      fc.record({
        collectedAt: fc.oneof(fc.string(), fc.integer()),
        sources: fc.dictionary(
          fc.string(),
          fc.oneof(
            fc.record({ ok: fc.boolean(), text: fc.oneof(fc.string(), fc.integer()) }),
            fc.record({ ok: fc.constant(false), error: fc.string() }),
            fc.jsonValue(),
          ),
        ),
      }),
    ),
    auth: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const frame = fc
  .oneof(
    fc.string().map((s) => ({ text: s })),
    fc.jsonValue().map((j) => ({ text: JSON.stringify(j) })),
    nearMiss.map((o) => ({ text: JSON.stringify(o) })),
  )
  // a frame that happens to be a valid snapshot is not hostile; everything else must store nothing
  .filter(({ text }) => {
    try {
      const parsed = AgentMessageSchema.safeParse(JSON.parse(text));
      return !(parsed.success && parsed.data.type === "snapshot");
    } catch {
      return true;
    }
  });

describe.each(testDrivers())("random hostile frames on $name", (driver) => {
  let h: Harness;
  let srv: Awaited<ReturnType<typeof listenHarness>>;
  beforeAll(async () => {
    // no rate limit here: the property is about content, the flood test is in gateway.test.ts
    h = await createHarness(driver, {
      configure: (c) => Object.assign(c, { frameBurst: 1e6, framesPerSec: 1e6 }),
    });
    srv = await listenHarness(h);
  });
  afterAll(async () => {
    await srv?.close();
    await h?.dispose();
  });

  test("never store anything, never break the server, and leave a well-behaved agent unaffected", async () => {
    const witness = await TestAgent.connect(srv.wsUrl);
    witness.send(hello({ machineId: "witness", hostname: "witness" }));
    await witness.next("welcome");
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(frame, { minLength: 1, maxLength: 15 }),
        async (afterHello, frames) => {
          const before = (await h.counts()).snapshots;
          const a = await TestAgent.connect(srv.wsUrl);
          if (afterHello) {
            a.send(hello({ machineId: `fuzz-${seq}`, hostname: "fuzz" }));
            await a.next("welcome");
          }
          for (const f of frames) if (a.ws.readyState === WebSocket.OPEN) a.send(f.text);
          // the well-behaved agent is still served while (and after) the hostile one talks
          seq++;
          witness.send(snapshotFrame(`verdict=ready n=${seq}`, seq));
          await witness.next("ack", (m) => m.seq === seq);
          a.close();
          await a.closed;
          const after = (await h.counts()).snapshots;
          // the only new snapshot is the witness's own
          expect(after - before).toBe(1);
        },
      ),
      { numRuns: 40 },
    );
    expect(witness.ws.readyState).toBe(WebSocket.OPEN);
    witness.close();
  });
});
