import type { FleetSummary } from "@kdumpwatch/protocol";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics (`GET /metrics`), all named `kdumpwatch_*`. Fleet gauges are read from the
 * shared summary at scrape time; counters and the latency histogram are this process's own.
 */
export function createMetrics(options: {
  summary: () => Promise<FleetSummary>;
  connectedAgents: () => number;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "kdumpwatch_" });

  new Gauge({
    name: "kdumpwatch_hosts",
    help: "Hosts per verdict",
    labelNames: ["verdict"] as const,
    registers: [registry],
    async collect() {
      const s = await options.summary();
      for (const [verdict, n] of Object.entries(s.verdicts)) this.set({ verdict }, n);
    },
  });
  new Gauge({
    name: "kdumpwatch_hosts_stale",
    help: "Hosts without a report for longer than the stale threshold",
    registers: [registry],
    async collect() {
      this.set((await options.summary()).stale);
    },
  });
  new Gauge({
    name: "kdumpwatch_failing_checks",
    help: "Hosts failing each check (status fail or warn, or unknown on a critical check)",
    labelNames: ["check"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await options.summary()).failingChecks) this.set({ check: c.check }, c.hosts);
    },
  });
  new Gauge({
    name: "kdumpwatch_agents_connected",
    help: "Agent WebSocket connections open on this process",
    registers: [registry],
    collect() {
      this.set(options.connectedAgents());
    },
  });
  const frames = new Counter({
    name: "kdumpwatch_ingest_frames_total",
    help: "Agent frames received, by message type and outcome",
    labelNames: ["type", "outcome"] as const,
    registers: [registry],
  });
  const snapshotsStored = new Counter({
    name: "kdumpwatch_ingest_snapshots_stored_total",
    help: "Snapshots whose content changed and were stored",
    registers: [registry],
  });
  const transitions = new Counter({
    name: "kdumpwatch_ingest_transitions_total",
    help: "Verdict or failing-set changes recorded",
    registers: [registry],
  });
  const ingestSeconds = new Histogram({
    name: "kdumpwatch_ingest_duration_seconds",
    help: "Time from receiving a snapshot to its ack (judge + transaction)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const closes = new Counter({
    name: "kdumpwatch_agent_disconnects_total",
    help: "Agent sockets closed, by close code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: "kdumpwatch_agent_connections_refused_total",
    help: "Agent upgrade requests refused, by reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  return { registry, frames, snapshotsStored, transitions, ingestSeconds, closes, refused };
}

export type Metrics = ReturnType<typeof createMetrics>;
