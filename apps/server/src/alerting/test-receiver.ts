/**
 * A real HTTP receiver on 127.0.0.1 for the alerting unit tests: records every request, answers
 * with a scripted status (or never answers). Not shipped: only tests import it. The end-to-end
 * tests keep its twin in test/e2e/support/receiver.ts: an app cannot import from the test package,
 * and the server's package index exports no test helpers.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** what the receiver answered ("hang" = nothing) */
  answer: number | "hang";
}

export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** accepted (2xx) requests only */
  accepted(): ReceivedRequest[];
  close(): Promise<void>;
}

/** `answers`: status per request in order; the last one repeats. "hang" never answers. */
export async function startTestReceiver(answers: Array<number | "hang"> = [200]): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = answers[Math.min(requests.length, answers.length - 1)] ?? 200;
      requests.push({
        at: Date.now(),
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        answer,
      });
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(answer, { "content-type": "text/plain" }).end(answer < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () => requests.filter((r) => typeof r.answer === "number" && r.answer < 300),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
