/**
 * A slice of the simulated fleet, run in one worker thread: one real `AgentClient` (the agent's own
 * client, state machine and `ws` socket) per host, fed by an injected `collect()` that returns the
 * host's current evidence. Changes and agent restarts are scheduled here at the configured rates.
 */
import { createHash } from "node:crypto";
import {
  AgentClient,
  type Credential,
  createMemoryCredentialStore,
  createWsSocketFactory,
  type Logger,
  type SocketFactory,
  systemClock,
} from "@kdumpwatch/agent";
import type { Verdict } from "@kdumpwatch/core";
import { planHost, SimHost } from "./fleet.ts";
import type { WorkerInput } from "./messages.ts";
import { AgentProbe, emptyCounters, type WorkerCounters } from "./probe.ts";
import { seededRandom } from "./rng.ts";

const SIM_AGENT_VERSION = "0.1.0-sim";
const TICK_MS = 100;
/** agents started per turn of the event loop when they all start at once */
const START_BATCH = 25;
/** a restarting agent (reboot, package upgrade) is away this long */
const RESTART_MIN_MS = 1_000;
const RESTART_SPREAD_MS = 4_000;

interface Agent {
  host: SimHost;
  probe: AgentProbe;
  store: ReturnType<typeof createMemoryCredentialStore>;
  connect: SocketFactory;
  client: AgentClient | null;
  restartTimer: NodeJS.Timeout | null;
}

export class FleetSlice {
  readonly #input: WorkerInput;
  readonly #agents: Agent[] = [];
  readonly #random: () => number;
  #counters: WorkerCounters = emptyCounters();
  readonly #logErrors: Record<string, number> = {};
  #ticker: NodeJS.Timeout | null = null;
  #startTimers: NodeJS.Timeout[] = [];
  #changesOwed = 0;
  #restartsOwed = 0;
  #changes = 0;
  #restarts = 0;
  #stopping = false;
  readonly #log: Logger;

  constructor(input: WorkerInput) {
    this.#input = input;
    this.#random = seededRandom((input.seed ^ (0x5bd1e995 * (input.workerIndex + 1))) >>> 0);
    this.#log = {
      log: (level, msg, fields) => {
        if (level === "error" || msg.includes("not acknowledged") || msg.includes("handshake timed out")) {
          this.#logErrors[msg] = (this.#logErrors[msg] ?? 0) + 1;
        }
        if (input.verbose && level !== "debug") {
          process.stderr.write(`sim agent ${level} ${msg} ${fields ? JSON.stringify(fields) : ""}\n`);
        }
      },
    };
    const factories = new Map<string, SocketFactory>();
    const factoryFor = (address: string | undefined) => {
      const key = address ?? "";
      let f = factories.get(key);
      if (!f) {
        f = createWsSocketFactory({
          handshakeTimeoutMs: 20_000,
          ...(address === undefined ? {} : { localAddress: address }),
        });
        factories.set(key, f);
      }
      return f;
    };
    for (let i = 0; i < input.count; i++) {
      const index = input.first + i;
      const host = new SimHost(planHost(input.seed, index, input.templates, input.mix), input.templates);
      const probe = new AgentProbe(() => this.#counters);
      const address =
        input.sourceAddresses > 0 ? `127.0.0.${2 + (index % input.sourceAddresses)}` : undefined;
      this.#agents.push({
        host,
        probe,
        store: createMemoryCredentialStore(input.credentials[i] ?? null),
        connect: probe.wrap(factoryFor(address)),
        client: null,
        restartTimer: null,
      });
    }
  }

  start(): void {
    const n = this.#agents.length;
    if (this.#input.rampSec > 0) {
      this.#agents.forEach((agent, i) => {
        const delay = Math.floor((i / n) * this.#input.rampSec * 1000);
        this.#startTimers.push(setTimeout(() => this.#startAgent(agent), delay));
      });
    } else {
      // "all at once", but a few dozen per turn of the event loop: started in one synchronous loop,
      // thousands of first collections would keep this thread from reading the server's welcomes
      // for seconds, and the agents' own handshake timers would fire before the welcomes are read
      const startBatch = (from: number) => {
        if (this.#stopping) return;
        for (const agent of this.#agents.slice(from, from + START_BATCH)) this.#startAgent(agent);
        if (from + START_BATCH < n) setImmediate(() => startBatch(from + START_BATCH));
      };
      startBatch(0);
    }
    this.#ticker = setInterval(() => this.#tick(), TICK_MS);
  }

  #startAgent(agent: Agent): void {
    if (this.#stopping) return;
    agent.restartTimer = null;
    const client = new AgentClient(
      {
        collect: async () => agent.host.collect(new Date()),
        connect: agent.connect,
        clock: systemClock,
        log: this.#log,
        store: agent.store,
        fallbackHostname: agent.host.plan.hostname,
      },
      {
        agentVersion: SIM_AGENT_VERSION,
        url: this.#input.wsUrl,
        enrollToken: this.#input.enrollToken,
        // as the real agent keeps in <stateDir>/enroll-key: a lost welcome re-enrolls into its own record
        enrollKey: createHash("sha256").update(`enroll-key:${agent.host.plan.machineId}`).digest("hex"),
        collectIntervalMs: this.#input.intervalSec * 1000,
      },
    );
    agent.client = client;
    void client.run();
  }

  /** Poisson-ish arrivals: the expected number per tick, carried over so small rates still happen. */
  #due(rate: number, owed: number): [number, number] {
    const expected = owed + rate * this.#agents.length * (TICK_MS / 1000);
    const n = Math.floor(expected + this.#random() - 0.5);
    return [Math.max(0, n), expected - Math.max(0, n)];
  }

  #tick(): void {
    if (this.#stopping) return;
    const n = this.#agents.length;
    if (this.#input.changeRate > 0) {
      const [due, owed] = this.#due(this.#input.changeRate, this.#changesOwed);
      this.#changesOwed = owed;
      for (let k = 0; k < due; k++) {
        const agent = this.#agents[Math.floor(this.#random() * n)];
        if (!agent) continue;
        agent.host.change(this.#random);
        this.#changes++;
        agent.client?.collectNow();
      }
    }
    if (this.#input.churn > 0) {
      const [due, owed] = this.#due(this.#input.churn, this.#restartsOwed);
      this.#restartsOwed = owed;
      for (let k = 0; k < due; k++) {
        const agent = this.#agents[Math.floor(this.#random() * n)];
        if (!agent?.client) continue;
        agent.client.stop();
        agent.client = null;
        this.#restarts++;
        const delay = RESTART_MIN_MS + Math.floor(this.#random() * RESTART_SPREAD_MS);
        agent.restartTimer = setTimeout(() => this.#startAgent(agent), delay);
      }
    }
  }

  /** Counters since the last report (then reset) and the gauges. */
  report() {
    const counters = this.#counters;
    this.#counters = emptyCounters();
    let connected = 0;
    let everAcked = 0;
    for (const a of this.#agents) {
      if (a.probe.connected) connected++;
      if (a.probe.everAcked) everAcked++;
    }
    return {
      counters,
      connected,
      everAcked,
      changes: this.#changes,
      restarts: this.#restarts,
      logErrors: { ...this.#logErrors },
    };
  }

  /**
   * Stop changing things and wait until every host's latest evidence is acknowledged (restarting
   * agents come back at once). Resolves with the number of hosts still unsettled at the deadline.
   */
  async drain(timeoutMs: number): Promise<number> {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    for (const t of this.#startTimers) clearTimeout(t);
    this.#startTimers = [];
    for (const agent of this.#agents) {
      if (agent.client === null) {
        if (agent.restartTimer) clearTimeout(agent.restartTimer);
        this.#startAgent(agent);
      }
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let unsettled = 0;
      for (const agent of this.#agents) {
        const client = agent.client;
        if (client === null) {
          unsettled++;
          continue;
        }
        const { collecting, pending } = client.model;
        const seenLatest = agent.host.collectedVersion === agent.host.version;
        if (!seenLatest && !collecting) client.collectNow();
        // an agent still waiting for its welcome has sent nothing yet: not settled either
        if (!seenLatest || collecting || pending !== null || !agent.probe.connected) unsettled++;
      }
      if (unsettled === 0 || Date.now() >= deadline) return unsettled;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Stops every client (sockets closed with 1000) and reports what the fleet looks like now. */
  async stop(): Promise<{
    verdicts: Record<Verdict, number>;
    templates: Record<string, number>;
    credentials: (Credential | null)[];
  }> {
    this.#stopping = true;
    if (this.#ticker) clearInterval(this.#ticker);
    for (const t of this.#startTimers) clearTimeout(t);
    const verdicts: Record<Verdict, number> = { ready: 0, at_risk: 0, not_ready: 0, unknown: 0 };
    const templates: Record<string, number> = {};
    for (const agent of this.#agents) {
      if (agent.restartTimer) clearTimeout(agent.restartTimer);
      agent.client?.stop();
      verdicts[agent.host.verdict]++;
      templates[agent.host.templateName] = (templates[agent.host.templateName] ?? 0) + 1;
    }
    // let the close frames go out
    await new Promise((r) => setTimeout(r, 300));
    return {
      verdicts,
      templates,
      credentials: this.#agents.map((a): Credential | null => a.store.current()),
    };
  }
}
