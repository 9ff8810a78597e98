import type { FleetSummary } from "@kdumpwatch/protocol";
import { Gauge, type Registry } from "prom-client";
import { BUILD_INFO } from "./version.ts";

/** What the scrape-time gauges read; each is called once per scrape. */
export interface FleetMetricSources {
  summary: () => Promise<FleetSummary>;
  /** hosts per (check, status) of their latest judgement */
  checkStatuses: () => Promise<ReadonlyArray<{ check: string; status: string; hosts: number }>>;
  connectedAgents: () => number;
  /** hosts marked "evidence not stored" (hosts.ingest_failing_since set) */
  ingestFailingHosts: () => Promise<number>;
  /** undelivered notifications per configured receiver (every receiver listed, 0 when empty) */
  outbox: () => Promise<ReadonlyArray<{ receiver: string; pending: number; oldestAgeSeconds: number }>>;
}

/**
 * Gauges read from the shared state at scrape time (the fleet summary, the judgements, the outbox),
 * so every server process behind a load balancer reports the same fleet figures; the agents
 * connected are this process's own.
 */
export function registerFleetGauges(registry: Registry, sources: FleetMetricSources): void {
  const registers = [registry];
  new Gauge({
    name: "kdumpwatch_build_info",
    help: "Always 1; the labels say which kdumpwatch server build is running",
    labelNames: ["version", "revision", "nodejs"] as const,
    registers,
  }).set({ version: BUILD_INFO.version, revision: BUILD_INFO.revision, nodejs: process.version }, 1);
  new Gauge({
    name: "kdumpwatch_hosts",
    help: "Hosts per verdict",
    labelNames: ["verdict"] as const,
    registers,
    async collect() {
      const s = await sources.summary();
      for (const [verdict, n] of Object.entries(s.verdicts)) this.set({ verdict }, n);
    },
  });
  new Gauge({
    name: "kdumpwatch_hosts_stale",
    help: "Hosts without a report for longer than the stale threshold",
    registers,
    async collect() {
      this.set((await sources.summary()).stale);
    },
  });
  new Gauge({
    name: "kdumpwatch_hosts_ingest_failing",
    help: "Hosts whose latest snapshot could not be stored or judged (their verdict is not current)",
    registers,
    async collect() {
      this.set(await sources.ingestFailingHosts());
    },
  });
  new Gauge({
    name: "kdumpwatch_failing_checks",
    help: "Hosts failing each check (status fail or warn, or unknown on a critical check)",
    labelNames: ["check"] as const,
    registers,
    async collect() {
      this.reset();
      for (const c of (await sources.summary()).failingChecks) this.set({ check: c.check }, c.hosts);
    },
  });
  new Gauge({
    name: "kdumpwatch_host_checks",
    help: "Hosts per check and status (pass, warn, fail, info, unknown) of their latest judgement",
    labelNames: ["check", "status"] as const,
    registers,
    async collect() {
      this.reset();
      for (const c of await sources.checkStatuses()) this.set({ check: c.check, status: c.status }, c.hosts);
    },
  });
  new Gauge({
    name: "kdumpwatch_agents_connected",
    help: "Agent WebSocket connections open on this process",
    registers,
    collect() {
      this.set(sources.connectedAgents());
    },
  });
  // the two outbox gauges are collected side by side within one scrape: one query serves both
  const outbox = sharedInFlight(sources.outbox);
  new Gauge({
    name: "kdumpwatch_alert_outbox_pending",
    help: "Notifications waiting in the outbox for each receiver (not yet accepted)",
    labelNames: ["receiver"] as const,
    registers,
    async collect() {
      this.reset();
      for (const r of await outbox()) this.set({ receiver: r.receiver }, r.pending);
    },
  });
  new Gauge({
    name: "kdumpwatch_alert_outbox_oldest_age_seconds",
    help: "Age of the oldest notification waiting for each receiver (0 when none waits)",
    labelNames: ["receiver"] as const,
    registers,
    async collect() {
      this.reset();
      for (const r of await outbox()) this.set({ receiver: r.receiver }, r.oldestAgeSeconds);
    },
  });
}

/** Callers while a call is in flight share its promise; the next call after it settles asks again. */
function sharedInFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    if (pending === null) {
      const p = fn();
      pending = p;
      const clear = () => {
        if (pending === p) pending = null;
      };
      p.then(clear, clear);
    }
    return pending;
  };
}
