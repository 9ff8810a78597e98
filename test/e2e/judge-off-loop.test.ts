/**
 * Judging never blocks the event loop (issue 12 §3): the BUILT server judges snapshots in worker
 * threads (KDUMPWATCH_JUDGE_WORKERS, apps/server/src/services/judge-pool.ts). One agent sends
 * hostile 0.9 MB dmesg frames (the kernel-log shape that costs the parsers most, packages/core
 * linear-time.test.ts), each several hundred milliseconds of judging; meanwhile a client asks
 * `/healthz` again as soon as each answer arrives. The same frames against the same build with
 * KDUMPWATCH_JUDGE_WORKERS=0 (judging on the event loop) are the control: there `/healthz` only
 * gets through between two frames. Compared by answers counted, not by timings.
 *
 * Build first: `pnpm --filter @kdumpwatch/server build`.
 */
import { type ServerMessage, ServerMessageSchema } from "@kdumpwatch/protocol";
import { afterAll, describe, expect, test } from "vitest";
import WebSocket from "ws";
import {
  killAllServers,
  removeTempDirs,
  requireBundles,
  ServerProcess,
  tempDir,
} from "./support/server-process.ts";

const ADMIN = "judge-off-loop-e2e-admin-token";
const ENROLL = "judge-off-loop-e2e-enroll-token";
const HOSTILE_FRAMES = 3;

const LINE = "[    0.000000] Reserving 192MB of memory at 2864MB for crashkernel (System RAM: 8191MB)\n";
const HOSTILE_DMESG = LINE.repeat(Math.ceil(900_000 / LINE.length)).slice(0, 900_000);

interface Run {
  healthzAnswers: number;
  acks: number[];
  healthzStatuses: Set<number>;
}

/** Enrolls one agent, sends the hostile frames one after another, asks /healthz meanwhile. */
async function hostileRun(judgeWorkers: string): Promise<Run> {
  // PGlite's first start (migrations in WASM) is slow on a loaded machine
  const server = await ServerProcess.started(
    {
      adminToken: ADMIN,
      enrollToken: ENROLL,
      env: { KDUMPWATCH_DATA_DIR: tempDir("kdw-judge-loop-"), KDUMPWATCH_JUDGE_WORKERS: judgeWorkers },
    },
    240_000,
  );
  try {
    const base = await server.url();
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/api/agent/ws`);
    const messages: ServerMessage[] = [];
    let wake: () => void = () => {};
    ws.on("message", (data) => {
      messages.push(ServerMessageSchema.parse(JSON.parse(data.toString())));
      wake();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const next = async (type: ServerMessage["type"], from: number): Promise<number> => {
      for (;;) {
        const at = messages.findIndex((m, i) => i >= from && m.type === type);
        if (at >= 0) return at;
        const other = messages.slice(from).find((m) => m.type === "error");
        if (other) throw new Error(`server answered ${JSON.stringify(other)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    };
    ws.send(
      JSON.stringify({
        v: 1,
        type: "hello",
        agentVersion: "0.1.0-e2e",
        machineId: "b1c2d3e4f5a60718293a4b5c6d7e8f90",
        hostname: "hostile-judge",
        auth: { kind: "enroll", token: ENROLL },
      }),
    );
    await next("welcome", 0);

    let done = false;
    const statuses = new Set<number>();
    let answers = 0;
    const asking = (async () => {
      while (!done) {
        try {
          const res = await fetch(`${base}/healthz`);
          await res.arrayBuffer();
          statuses.add(res.status);
          if (!done) answers++;
        } catch {
          // a keep-alive socket the server closed as we reused it (ECONNRESET): ask again
        }
      }
    })();
    const acks: number[] = [];
    let from = messages.length;
    for (let seq = 1; seq <= HOSTILE_FRAMES; seq++) {
      ws.send(
        JSON.stringify({
          v: 1,
          type: "snapshot",
          seq,
          hash: `hostile-${seq}`,
          snapshot: {
            collectedAt: new Date().toISOString(),
            // each frame different, so each is judged and stored
            sources: {
              dmesg: { ok: true, text: `${HOSTILE_DMESG.slice(0, -8)}${String(seq).padStart(8, "0")}` },
            },
          },
        }),
      );
      const at = await next("ack", from);
      const ack = messages[at];
      if (ack?.type === "ack") acks.push(ack.seq);
      from = at + 1;
    }
    done = true;
    await asking;
    ws.close();
    return { healthzAnswers: answers, acks, healthzStatuses: statuses };
  } finally {
    await server.kill("SIGTERM");
  }
}

describe("judging off the event loop (built server, PGlite)", () => {
  afterAll(async () => {
    await killAllServers();
    removeTempDirs();
  });

  test("/healthz keeps answering while hostile frames are judged in worker threads, unlike on the event loop", async () => {
    requireBundles();
    const workers = await hostileRun("2");
    const inline = await hostileRun("0");
    expect(workers.acks, "every hostile frame is judged, stored and acked").toEqual([1, 2, 3]);
    expect(inline.acks).toEqual([1, 2, 3]);
    expect([...workers.healthzStatuses]).toEqual([200]);
    const counts = `workers: ${workers.healthzAnswers}, event loop: ${inline.healthzAnswers}`;
    // on the event loop /healthz gets through only between frames; in workers it never waits for one
    expect(workers.healthzAnswers, counts).toBeGreaterThanOrEqual(10);
    expect(workers.healthzAnswers, counts).toBeGreaterThan(2 * inline.healthzAnswers);
  }, 900_000);
});
