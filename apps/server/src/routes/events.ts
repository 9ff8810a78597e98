import type { LiveEvent } from "@kdumpwatch/protocol";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv, Services } from "../env.ts";
import type { LiveFeed } from "../live-feed.ts";

const KEEPALIVE_MS = 15_000;
/** a client this far behind is cut off; it reconnects and refetches */
const MAX_PENDING_WRITES = 1000;

/** `GET /api/events`: server-sent events, `event:` = the live event type (protocol http.ts). */
export function eventRoutes(services: Services, live: LiveFeed) {
  return new Hono<AppEnv>().get("/", (c) =>
    streamSSE(c, async (stream) => {
      let pending = 0;
      let finish: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const write = (event: LiveEvent) => {
        if (pending >= MAX_PENDING_WRITES) return finish();
        pending++;
        stream
          .writeSSE({ event: event.type, data: JSON.stringify(event) })
          .catch(() => finish())
          .finally(() => pending--);
      };
      stream.onAbort(() => finish());
      write({ type: "summary", summary: await services.summary.shared() });
      const remove = live.add({ send: write, end: () => finish() });
      const keepalive = setInterval(() => {
        stream.write(": keepalive\n\n").catch(() => finish());
      }, KEEPALIVE_MS);
      try {
        await done;
      } finally {
        clearInterval(keepalive);
        remove();
      }
    }),
  );
}
