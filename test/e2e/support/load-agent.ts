/**
 * A raw protocol v1 agent that keeps one socket and reports a new snapshot as soon as the last one
 * was acked (not a test file): load for fault tests. Each snapshot carries a `load_marker` source
 * (unknown sources are kept by the server), so a test can check that every snapshot the server
 * acked is in the database. It obeys the server as a real agent does: `retry` → close and wait
 * `afterMs`; `error internal` → send the same snapshot again after a pause; a closed socket →
 * reconnect after a short pause (the credential it was given is reused).
 */
import { ServerMessageSchema, type SnapshotPayload } from "@kdumpwatch/protocol";
import WebSocket from "ws";
import { sleep } from "./watched-process.ts";

export interface LoadAgentStats {
  /** markers the server acked: each must be a stored snapshot */
  acked: string[];
  /** `retry` frames received, with their hints */
  retries: number[];
  /** `error` frames received, by code */
  errors: string[];
  /** close codes of sockets the server closed */
  closes: number[];
  /** HTTP statuses of refused upgrades */
  refusals: number[];
  /** wall-clock time of each ack */
  ackTimes: number[];
}

export class LoadAgent {
  readonly stats: LoadAgentStats = {
    acked: [],
    retries: [],
    errors: [],
    closes: [],
    refusals: [],
    ackTimes: [],
  };
  /** where its current session is, and since when (a failed wait names it) */
  readonly phase = {
    now: "idle" as "idle" | "connecting" | "hello sent" | "welcomed" | "waiting",
    since: Date.now(),
  };
  #credential: { hostId: string; secret: string } | null = null;
  #seq = 0;
  #stopped = false;
  #loop: Promise<void> | null = null;
  #ws: WebSocket | null = null;

  constructor(
    readonly baseUrl: string,
    readonly hostname: string,
    readonly enrollToken: string,
    readonly base: SnapshotPayload,
  ) {}

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#ws?.close();
    await this.#loop;
  }

  /** the host id the server gave it (null before its first welcome) */
  get hostId(): string | null {
    return this.#credential?.hostId ?? null;
  }

  #enter(phase: LoadAgent["phase"]["now"]): void {
    this.phase.now = phase;
    this.phase.since = Date.now();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const waitMs = await this.#session().catch(() => 250);
      this.#enter("waiting");
      if (!this.#stopped) await sleep(waitMs);
    }
  }

  /** One socket until it ends; resolves to how long to wait before the next one. */
  #session(): Promise<number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${this.baseUrl.replace(/^http/, "ws")}/api/agent/ws`);
      this.#ws = ws;
      this.#enter("connecting");
      let waitMs = 250;
      let pending: { seq: number; marker: string; frame: string } | null = null;
      const sendNext = () => {
        if (this.#stopped || ws.readyState !== ws.OPEN) return;
        const seq = ++this.#seq;
        const marker = `${this.hostname}#${seq}`;
        const frame = JSON.stringify({
          v: 1,
          type: "snapshot",
          seq,
          hash: marker,
          snapshot: {
            ...this.base,
            collectedAt: new Date().toISOString(),
            sources: { ...this.base.sources, load_marker: { ok: true, text: marker } },
          },
        });
        pending = { seq, marker, frame };
        ws.send(frame);
      };
      ws.on("unexpected-response", (_req, res) => {
        this.stats.refusals.push(res.statusCode ?? 0);
        const after = Number(res.headers["retry-after"]);
        waitMs = Number.isFinite(after) ? Math.min(after * 1000, 5000) : 1000;
        ws.terminate();
      });
      ws.on("error", () => {});
      ws.on("open", () => {
        const auth = this.#credential
          ? { kind: "credential", ...this.#credential }
          : { kind: "enroll", token: this.enrollToken };
        this.#enter("hello sent");
        ws.send(
          JSON.stringify({
            v: 1,
            type: "hello",
            agentVersion: "load-agent",
            machineId: `machine-${this.hostname}`,
            hostname: this.hostname,
            auth,
          }),
        );
      });
      ws.on("message", (data) => {
        const m = ServerMessageSchema.parse(JSON.parse(data.toString()));
        if (m.type === "welcome") {
          if (m.credential) this.#credential = m.credential;
          this.#enter("welcomed");
          sendNext();
        } else if (m.type === "ack") {
          if (pending && m.seq === pending.seq) {
            this.stats.acked.push(pending.marker);
            this.stats.ackTimes.push(Date.now());
            pending = null;
            setTimeout(sendNext, 20);
          }
        } else if (m.type === "retry") {
          this.stats.retries.push(m.afterMs);
          waitMs = Math.min(m.afterMs, 3000);
          ws.close(1000, "retry requested");
        } else if (m.type === "error") {
          this.stats.errors.push(m.code);
          const again = pending;
          if (m.code === "internal" && again) {
            setTimeout(() => ws.readyState === ws.OPEN && ws.send(again.frame), 500);
          }
        }
      });
      ws.on("close", (code) => {
        if (code !== 1000 && code !== 1005) this.stats.closes.push(code);
        if (this.#ws === ws) this.#ws = null;
        resolve(waitMs);
      });
    });
  }
}
