/**
 * A raw protocol v1 agent (the wire format of packages/protocol wire.ts) for end-to-end tests and
 * benchmarks (not a test file): enroll, report one snapshot, wait for the ack, reconnect with the
 * credential it was given. For scale and for exact frames; the real agent bundle is in agents.ts.
 */
import { ServerMessageSchema, type SnapshotPayload } from "@kdumpwatch/protocol";
import WebSocket from "ws";
import { sleep } from "./watched-process.ts";

export interface RawAgentOptions {
  /** the fleet enrollment token, sent in the first hello */
  enrollToken: string;
  /** default `machine-<hostname>` */
  machineId?: string;
  /** the hello's agentVersion, also the prefix of each snapshot hash */
  agentVersion?: string;
  /** host labels sent in the hello (as the agent's configuration would) */
  labels?: Record<string, string>;
}

export class RawAgent {
  hostId = "";
  credential: { hostId: string; secret: string } | null = null;
  readonly machineId: string;
  #seq = 0;

  constructor(
    readonly hostname: string,
    readonly options: RawAgentOptions,
  ) {
    this.machineId = options.machineId ?? `machine-${hostname}`;
  }

  /** Connects, says hello (enrolling the first time), sends one snapshot, waits for the ack. */
  async report(baseUrl: string, snapshot: SnapshotPayload): Promise<{ sentAt: number }> {
    const version = this.options.agentVersion ?? "raw-agent-e2e";
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/agent/ws`);
    ws.on("error", () => {});
    const messages: Array<{ type: string } & Record<string, unknown>> = [];
    ws.on("message", (d) => messages.push(ServerMessageSchema.parse(JSON.parse(d.toString()))));
    await new Promise<void>((res, rej) => {
      ws.once("open", () => res());
      ws.once("error", rej);
    });
    const waitFor = async (type: string) => {
      for (let i = 0; i < 1200; i++) {
        const m = messages.find((x) => x.type === type);
        if (m) return m;
        const err = messages.find((x) => x.type === "error" || x.type === "retry");
        if (err) throw new Error(`${this.hostname}: ${JSON.stringify(err)}`);
        await sleep(25);
      }
      throw new Error(`${this.hostname}: no ${type}; got ${JSON.stringify(messages)}`);
    };
    try {
      const auth = this.credential
        ? { kind: "credential", hostId: this.credential.hostId, secret: this.credential.secret }
        : { kind: "enroll", token: this.options.enrollToken };
      ws.send(
        JSON.stringify({
          v: 1,
          type: "hello",
          agentVersion: version,
          machineId: this.machineId,
          hostname: this.hostname,
          ...(this.options.labels === undefined ? {} : { labels: this.options.labels }),
          auth,
        }),
      );
      const welcome = await waitFor("welcome");
      this.hostId = String(welcome.hostId);
      if (welcome.credential) this.credential = welcome.credential as { hostId: string; secret: string };
      const seq = ++this.#seq;
      const sentAt = Date.now();
      ws.send(
        JSON.stringify({
          v: 1,
          type: "snapshot",
          seq,
          hash: `${version}-${seq}`,
          snapshot: { ...snapshot, collectedAt: new Date().toISOString() },
        }),
      );
      await waitFor("ack");
      return { sentAt };
    } finally {
      ws.close();
    }
  }
}
