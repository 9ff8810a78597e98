/**
 * Alert latency (product.md §8 "host change → webhook < 5 s"): seconds from an agent reporting a
 * lost crashkernel reservation to the webhook receiver getting the firing notification, with the
 * REAL server bundle (hold 0 by default). Prints one JSON object.
 *
 *   npx tsx test/bench/alert-latency.ts [--samples 20] [--agent-samples 3] [--hold 0] [--group-wait 0]
 *                                       [--database-url postgres://…]   (default: embedded PGlite)
 *
 * Two measures:
 *   - protocol: a raw protocol v1 agent sends the snapshot (t0 = the frame is written) → receipt;
 *   - agent: the real agent bundle `run --once` is spawned (t0 = spawn, so node start-up and one
 *     collection are included) → receipt.
 * Each sample is a host that first reported healthy (ubuntu-2204-ready), then without a
 * reservation (ubuntu-2204-no-crashkernel); samples run one after another.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  agentBundle,
  captures,
  collectSnapshot,
  ENROLL,
  RawAgent,
  ServerProcess,
  startReceiver,
  waitUntil,
} from "../e2e/alerting-support.ts";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "20" },
    "agent-samples": { type: "string", default: "3" },
    hold: { type: "string", default: "0" },
    "group-wait": { type: "string", default: "0" },
    "database-url": { type: "string" },
  },
});

interface Body {
  status: string;
  alerts: Array<{ labels: Record<string, string> }>;
}

const rx = await startReceiver();
const data = mkdtempSync(join(tmpdir(), "kdw-bench-alert-"));
const server = ServerProcess.start({
  ...(values["database-url"] ? { DATABASE_URL: values["database-url"] } : { KDUMPWATCH_DATA_DIR: data }),
  KDUMPWATCH_ALERT_WEBHOOKS: rx.url,
  KDUMPWATCH_ALERT_HOLD: values.hold,
  KDUMPWATCH_ALERT_GROUP_WAIT: values["group-wait"],
  KDUMPWATCH_LOG_LEVEL: "warn",
});
const timeoutMs = (Number(values.hold) + Number(values["group-wait"])) * 1000 + 30_000;

/** Receipt time of the firing crashkernel.reserved alert of `hostId`. */
function receivedAt(hostId: string): number | undefined {
  for (const r of rx.requests) {
    const body = JSON.parse(r.body) as Body;
    const hit = body.alerts.some(
      (a) =>
        a.labels.host_id === hostId && a.labels.check === "crashkernel.reserved" && body.status === "firing",
    );
    if (hit) return r.at;
  }
  return undefined;
}

function stats(seconds: number[]) {
  const s = [...seconds].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? Number.NaN;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    samples: s.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    max: round(s[s.length - 1] ?? Number.NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

try {
  const url = await server.url();
  const healthy = collectSnapshot("ubuntu-2204-ready");
  const lost = collectSnapshot("ubuntu-2204-no-crashkernel");

  const protocol: number[] = [];
  for (let i = 0; i < Number(values.samples); i++) {
    const agent = new RawAgent(`bench-${i}`);
    await agent.report(url, healthy);
    const { sentAt } = await agent.report(url, lost);
    const at = await waitUntil("the firing notification", () => receivedAt(agent.hostId), timeoutMs);
    protocol.push((at - sentAt) / 1000);
  }

  const real: number[] = [];
  for (let i = 0; i < Number(values["agent-samples"]); i++) {
    const host = mkdtempSync(join(tmpdir(), "kdw-bench-host-"));
    const state = mkdtempSync(join(tmpdir(), "kdw-bench-state-"));
    try {
      cpSync(join(captures, "ubuntu-2204-ready"), host, { recursive: true });
      writeFileSync(
        join(host, "etc/machine-id"),
        `${"bench".padEnd(27, "0")}${String(i).padStart(5, "0")}\n`,
      );
      const args = [
        "run",
        "--once",
        "--server",
        url,
        "--enroll-token",
        ENROLL,
        "--state-dir",
        state,
        "--root",
        host,
      ];
      await runAgent(args);
      const keep = ["etc/machine-id", "etc/hostname"].map((f) => [f, readFileSync(join(host, f))] as const);
      cpSync(join(captures, "ubuntu-2204-no-crashkernel"), host, { recursive: true, force: true });
      for (const [f, content] of keep) writeFileSync(join(host, f), content);
      const hostId = (JSON.parse(readFileSync(join(state, "credential.json"), "utf8")) as { hostId: string })
        .hostId;
      const spawnedAt = Date.now();
      await runAgent(args);
      const at = await waitUntil("the firing notification", () => receivedAt(hostId), timeoutMs);
      real.push((at - spawnedAt) / 1000);
    } finally {
      rmSync(host, { recursive: true, force: true });
      rmSync(state, { recursive: true, force: true });
    }
  }

  process.stdout.write(
    `${JSON.stringify(
      {
        bench: "alert-latency",
        driver: values["database-url"] ? "postgres" : "pglite",
        holdSec: Number(values.hold),
        groupWaitSec: Number(values["group-wait"]),
        target: "< 5 s with hold 0",
        protocolAgentToWebhookSec: stats(protocol),
        realAgentSpawnToWebhookSec: stats(real),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await server.kill("SIGTERM");
  await rx.close();
  rmSync(data, { recursive: true, force: true });
}

function runAgent(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [agentBundle, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`agent exited ${code}: ${err}`)),
    );
  });
}
