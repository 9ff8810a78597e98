import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { isDatabaseError } from "./database-errors.ts";
import { type FleetMetricSources, registerFleetGauges } from "./metrics-fleet.ts";

/**
 * Prometheus metrics (`GET /metrics`), all named `kdumpwatch_*`, checked by `promtool check
 * metrics` in the tests. Fleet gauges are read from shared state at scrape time (metrics-fleet.ts);
 * counters and histograms are this process's own. docs/operations.md lists them.
 */
export function createMetrics(sources: FleetMetricSources) {
  const registry = new Registry();
  // the event-loop delay histogram samples every 100 ms, not prom-client's default 10 ms: its timer
  // woke an idle server 100 times a second (≈ 0.006 core on the reference machine, BENCHMARKS.md
  // "Quiet fleet at scale"); a stall still shows, a stall shorter than 100 ms may be missed
  collectDefaultMetrics({ register: registry, prefix: "kdumpwatch_", eventLoopMonitoringPrecision: 100 });
  // prom-client reports these three totals as gauges named *_total, which promtool refuses
  // ("non-counter metrics should not have _total suffix"); the per-type gauges stay
  for (const name of [
    "nodejs_active_handles_total",
    "nodejs_active_requests_total",
    "nodejs_active_resources_total",
  ]) {
    registry.removeSingleMetric(`kdumpwatch_${name}`);
  }
  registerFleetGauges(registry, sources);
  const registers = [registry];

  const framesCounter = new Counter({
    name: "kdumpwatch_ingest_frames_total",
    help: "Agent frames received, by message type and outcome",
    labelNames: ["type", "outcome"] as const,
    registers,
  });
  const ingested = new Counter({
    name: "kdumpwatch_snapshots_ingested_total",
    help: "Snapshots judged and committed (then acknowledged)",
    registers,
  });
  const rejected = new Counter({
    name: "kdumpwatch_snapshots_rejected_total",
    help: "Snapshots not ingested, by reason: malformed, before_hello, error (not stored), too_big (socket closed 1009)",
    labelNames: ["reason"] as const,
    registers,
  });
  const snapshotsStored = new Counter({
    name: "kdumpwatch_ingest_snapshots_stored_total",
    help: "Snapshots whose content changed and were stored",
    registers,
  });
  const transitions = new Counter({
    name: "kdumpwatch_ingest_transitions_total",
    help: "Verdict or failing-set changes recorded",
    registers,
  });
  const ingestSeconds = new Histogram({
    name: "kdumpwatch_ingest_duration_seconds",
    help: "Time from receiving a snapshot to its ack (judge + transaction)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const judgeSeconds = new Histogram({
    name: "kdumpwatch_judge_duration_seconds",
    help: "Time to parse and judge one snapshot (core judgeSnapshot)",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers,
  });
  const closesCounter = new Counter({
    name: "kdumpwatch_agent_disconnects_total",
    help: "Agent sockets closed, by close code",
    labelNames: ["code"] as const,
    registers,
  });
  const refused = new Counter({
    name: "kdumpwatch_agent_connections_refused_total",
    help: "Agent upgrade requests refused, by reason",
    labelNames: ["reason"] as const,
    registers,
  });
  const socketPauses = new Counter({
    name: "kdumpwatch_agent_socket_pauses_total",
    help: "Times the server stopped reading an agent socket because its queued bytes were over the limit",
    registers,
  });
  const ingestFailures = new Counter({
    name: "kdumpwatch_ingest_failures_total",
    help: "Snapshots that could not be stored or judged, by reason (database_connection, database_timeout, database_storage, database_rejected, judge)",
    labelNames: ["reason"] as const,
    registers,
  });
  const notifications = {
    sent: new Counter({
      name: "kdumpwatch_alert_notifications_sent_total",
      help: "Notifications a receiver accepted (2xx), by receiver",
      labelNames: ["receiver"] as const,
      registers,
    }),
    failed: new Counter({
      name: "kdumpwatch_alert_notifications_failed_total",
      help: "Delivery attempts that failed (status, timeout, refused), by receiver; each is retried",
      labelNames: ["receiver"] as const,
      registers,
    }),
    retried: new Counter({
      name: "kdumpwatch_alert_notifications_retried_total",
      help: "Delivery attempts that were retries of an earlier failed attempt, by receiver",
      labelNames: ["receiver"] as const,
      registers,
    }),
  };
  const databaseErrors = new Counter({
    name: "kdumpwatch_database_errors_total",
    help: "Operations that failed in the database (query error or lost connection), by where",
    labelNames: ["source"] as const,
    registers,
  });

  return {
    registry,
    /** counts the frame, and snapshots ingested or rejected (ws/agent-connection.ts calls it) */
    frames: {
      inc(labels: { type: string; outcome: string }) {
        framesCounter.inc(labels);
        if (labels.type !== "snapshot") return;
        if (labels.outcome === "ok") ingested.inc();
        else rejected.inc({ reason: labels.outcome });
      },
    },
    /** counts the close; a 1009 close is an oversize frame, i.e. a snapshot too big to take */
    closes: {
      inc(labels: { code: string }) {
        closesCounter.inc(labels);
        if (labels.code === "1009") rejected.inc({ reason: "too_big" });
      },
    },
    snapshotsStored,
    transitions,
    ingestSeconds,
    judgeSeconds,
    refused,
    socketPauses,
    ingestFailures,
    /** one delivery attempt to a receiver (alerting dispatcher); `attempt` counts from 1 */
    notificationAttempt(receiver: string, ok: boolean, attempt: number) {
      if (attempt > 1) notifications.retried.inc({ receiver });
      (ok ? notifications.sent : notifications.failed).inc({ receiver });
    },
    /** counts `err` when it comes from the database; returns whether it did */
    databaseError(err: unknown, source: "http" | "agent" | "alerting" | "readiness"): boolean {
      const db = isDatabaseError(err);
      if (db) databaseErrors.inc({ source });
      return db;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
