import { Hono } from "hono";
import * as z from "zod/mini";
import type { Alerting } from "../alerting/alerting.ts";
import type { SteppedClock } from "../clock.ts";
import type { AppEnv } from "../env.ts";
import { jsonBody, parseWith } from "../middleware/validate.ts";

const AdvanceSchema = z.object({ advanceSeconds: z.number().check(z.minimum(0), z.maximum(86_400 * 400)) });

/**
 * Mounted only when the process runs on a test clock (KDUMPWATCH_TEST_CLOCK, clock.ts), behind the
 * admin bearer like the rest of /api: end-to-end tests jump over stale thresholds, group waits and
 * retry delays instead of sleeping through them.
 *   GET  /api/test/clock                          → { now, outbox }
 *   POST /api/test/clock { "advanceSeconds": n }  → moves the clock, runs one alert tick at the
 *        new time (awaited: alerts it opens are visible on return), → { now, outbox }
 * `outbox` is the undelivered notifications per receiver, so a test can wait until everything due
 * has been delivered rather than sleep and hope.
 */
export function testClockRoutes(clock: SteppedClock, alerting: Pick<Alerting, "tick" | "outboxStats">) {
  const state = async () => ({ now: clock.now().toISOString(), outbox: await alerting.outboxStats() });
  return new Hono<AppEnv>()
    .get("/", async (c) => c.json(await state()))
    .post("/", async (c) => {
      const { advanceSeconds } = parseWith(AdvanceSchema, await jsonBody(c.req));
      clock.advance(advanceSeconds);
      await alerting.tick();
      return c.json(await state());
    });
}
