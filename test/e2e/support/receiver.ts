/**
 * A real webhook receiver on 127.0.0.1 for end-to-end tests (not a test file): records every
 * request and answers with a scripted status, or never answers. apps/server keeps a twin for its
 * dispatcher unit test (src/alerting/test-receiver.ts): an app cannot import from test/.
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

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** JSON bodies of the requests it accepted (2xx) */
  accepted(): unknown[];
  close(): Promise<void>;
}

/** A webhook receiver; `answers` per request in order, the last one repeating; "hang" never answers. */
export async function startReceiver(answers: Array<number | "hang"> = [200]): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = answers[Math.min(requests.length, answers.length - 1)] ?? 200;
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ at: Date.now(), path: req.url ?? "", headers: req.headers, body, answer });
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () =>
      requests.filter((r) => typeof r.answer === "number" && r.answer < 300).map((r) => JSON.parse(r.body)),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
