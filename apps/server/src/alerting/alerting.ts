/**
 * The alerting facade the server wires in (docs/alerting.md): built by createApp from its deps,
 * driven by three hooks:
 *   - onHostsJudged(tx, judged) / onHostJudged(tx, host, result): called by ingest inside its
 *     transaction, for a whole batch at once / for one host;
 *   - leaderJobs(): the elected process (jobs/leader.ts) runs the periodic tick and the dispatcher;
 *   - the API verbs behind routes/alerts.ts.
 */

import { alerts, and, type Db, isNotNull, lt, type Tx } from "@kdumpwatch/db";
import type {
  AlertList,
  AlertListQuery,
  SilenceCreate,
  Silence as SilenceDto,
  SilenceList,
} from "@kdumpwatch/protocol";
import type { Clock } from "../clock.ts";
import { type Config, ConfigError } from "../config.ts";
import { AppError } from "../errors.ts";
import type { LeaderJob } from "../jobs/leader.ts";
import type { Logger } from "../log.ts";
import { AlertEngine, judgedHostOf } from "./alert-engine.ts";
import { listAlerts, toSilenceDto } from "./alert-queries.ts";
import { type AlertingConfig, parseAlertingConfig } from "./alerting-config.ts";
import type { DeliveryOutcome } from "./deliver.ts";
import { Dispatcher } from "./dispatcher.ts";
import { outboxDepth, PgOutboxStore, pruneOutbox } from "./outbox-store.ts";
import { checkSilenceLength, DEFAULT_MAX_SILENCE_MS } from "./silence-limit.ts";
import { expireSilenceRow, insertSilence, selectActiveSilences, selectAllSilences } from "./silence-store.ts";
import type { SilenceMatchers } from "./silences.ts";

/** The parts of a judgement alerting reads (core's judgeSnapshot result). */
type JudgementForAlerts = Parameters<typeof judgedHostOf>[1];

/** One host of an ingest batch and its fresh judgement. */
interface JudgedForAlerts {
  host: Parameters<typeof judgedHostOf>[0];
  result: JudgementForAlerts;
}

interface AlertingDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: AlertingConfig;
  /** KDUMPWATCH_STALE_AFTER */
  staleAfterSec: number;
  /** KDUMPWATCH_MAX_SILENCE_DAYS in ms (default 30 days): a longer silence is a 400 */
  maxSilenceMs?: number;
  /** where links point when KDUMPWATCH_PUBLIC_URL is unset (replaced by setServerUrl once listening) */
  serverUrl: string;
  /** periodic tick, ms (default 1000) */
  tickMs?: number;
  /** dispatcher poll, ms (default 250) */
  pollMs?: number;
  /** counters fed by delivery attempts and failed jobs (metrics.ts) */
  metrics?: AlertingMetrics;
}

export interface AlertingMetrics {
  notificationAttempt(receiver: string, ok: boolean, attempt: number): void;
  databaseError(err: unknown, source: "alerting"): boolean;
}

const PRUNE_EVERY_MS = 10 * 60_000;
const KEEP_RESOLVED_MS = 30 * 86_400_000;
const KEEP_DELIVERED_MS = 7 * 86_400_000;

export interface Alerting {
  readonly config: AlertingConfig;
  /** Inside the ingest transaction. Never throws: an alerting failure is logged, ingest goes on. */
  onHostJudged(
    tx: Tx,
    host: { id: string; hostname: string; duplicateOf: string | null },
    result: JudgementForAlerts,
  ): Promise<void>;
  /**
   * Inside an ingest batch's transaction: its hosts evaluated set-wise (alert-engine.ts
   * onHostsJudged), each host at most once. Never throws, as onHostJudged.
   */
  onHostsJudged(tx: Tx, judged: readonly JudgedForAlerts[]): Promise<void>;
  /** Inside the decommission transaction: the host's open alerts resolve now (alert-engine.ts closeHost). */
  closeHost(tx: Tx, hostId: string): Promise<void>;
  /** The periodic work of the elected process: the alert tick and the outbox dispatcher. */
  leaderJobs(): LeaderJob[];
  /** The server's own URL, once it listens (links when KDUMPWATCH_PUBLIC_URL is unset). */
  setServerUrl(url: string): void;
  /** One tick and one delivery pass, awaited (tests). */
  runOnce(): Promise<void>;
  /** One tick at the clock's time, awaited; delivery is left to the dispatcher (test clock). */
  tick(): Promise<void>;
  /** Waits for deliveries in flight (shutdown). */
  close(): Promise<void>;
  /** Undelivered notifications per configured receiver (metrics). */
  outboxStats(): Promise<Array<{ receiver: string; pending: number; oldestAgeSeconds: number }>>;
  listAlerts(query: AlertListQuery): Promise<AlertList>;
  listSilences(includeExpired: boolean): Promise<SilenceList>;
  createSilence(input: SilenceCreate): Promise<SilenceDto>;
  endSilence(id: string): Promise<SilenceDto>;
}

function createAlerting(deps: AlertingDeps): Alerting {
  const { db, clock, log, config } = deps;
  const engine = new AlertEngine({
    policy: { holdMs: config.holdMs, ...config.reminders },
    groupWaitMs: config.groupWaitMs,
    receivers: config.receivers,
    staleAfterMs: deps.staleAfterSec * 1000,
    inhibitRules: config.inhibitRules,
  });
  let serverUrl = deps.serverUrl;
  const dispatcher = new Dispatcher({
    store: new PgOutboxStore(db),
    receivers: config.receivers,
    secret: config.secret,
    publicUrl: () => config.publicUrl ?? serverUrl,
    now: () => clock.now(),
    log,
    webhookMaxAlerts: config.webhookMaxAlerts,
    onAttempt: (receiver: { name: string }, outcome: DeliveryOutcome, attempt: number) =>
      deps.metrics?.notificationAttempt(receiver.name, outcome.ok, attempt),
  });
  let lastPrune = 0;
  let woken = false;

  async function tick(): Promise<void> {
    const now = clock.now();
    if (!woken) {
      // alerts held back by rules that may have changed since the last start are looked at again
      await engine.wakeUnnotified(db, now);
      woken = true;
    }
    await engine.tick(db, now);
    if (now.getTime() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now.getTime();
      const resolvedBefore = new Date(now.getTime() - KEEP_RESOLVED_MS);
      await db.delete(alerts).where(and(isNotNull(alerts.resolvedAt), lt(alerts.resolvedAt, resolvedBefore)));
      await pruneOutbox(db, new Date(now.getTime() - KEEP_DELIVERED_MS));
    }
  }

  /** onHostsJudged: the batch in one savepoint; if that fails, host by host (never throws). */
  async function evaluate(tx: Tx, judged: readonly JudgedForAlerts[]): Promise<void> {
    if (judged.length === 0) return;
    const now = clock.now();
    const input = judged.map((j) => judgedHostOf(j.host, j.result));
    // a savepoint: a failure here rolls back the alerting part only, never the reports
    try {
      await tx.transaction((sp) => engine.onHostsJudged(sp, input, now));
      return;
    } catch (err) {
      if (input.length === 1) {
        log.error({ err, hostId: input[0]?.hostId }, "alerting: evaluation failed; the report is stored");
        return;
      }
      log.warn({ err, hosts: input.length }, "alerting: batch evaluation failed; evaluating host by host");
    }
    // host by host, each in its own savepoint, so one host's failure costs only its own alerts
    for (const host of input) {
      try {
        await tx.transaction((sp) => engine.onHostsJudged(sp, [host], now));
      } catch (err) {
        log.error({ err, hostId: host.hostId }, "alerting: evaluation failed; the report is stored");
      }
    }
  }

  return {
    config,
    async onHostJudged(tx, host, result) {
      await evaluate(tx, [{ host, result }]);
    },
    onHostsJudged: evaluate,
    async closeHost(tx, hostId) {
      const closed = await engine.closeHost(tx, hostId, clock.now());
      if (closed > 0) log.info({ hostId, alerts: closed }, "alerting: decommissioned host's alerts resolved");
    },
    leaderJobs() {
      const counted = async () => {
        try {
          await tick();
        } catch (err) {
          deps.metrics?.databaseError(err, "alerting");
          throw err;
        }
      };
      return [
        { name: "alert-tick", everyMs: deps.tickMs ?? 1000, run: counted },
        // kick returns at once: each receiver's lane runs on its own, a slow one blocks nobody
        // (with no receiver it only drops the rows of receivers removed from the configuration)
        { name: "alert-dispatch", everyMs: deps.pollMs ?? 250, run: async () => dispatcher.kick() },
      ];
    },
    setServerUrl(url) {
      serverUrl = url;
    },
    async runOnce() {
      await tick();
      dispatcher.kick();
      await dispatcher.idle();
    },
    tick,
    async close() {
      await dispatcher.stop();
    },
    async outboxStats() {
      const now = clock.now();
      const rows = await outboxDepth(db);
      return config.receivers.map((r) => {
        const row = rows.find((x) => x.target === r.id);
        const oldest = row?.oldestAt ?? null;
        return {
          receiver: r.name,
          pending: row?.pending ?? 0,
          oldestAgeSeconds: oldest === null ? 0 : Math.max(0, (now.getTime() - oldest.getTime()) / 1000),
        };
      });
    },
    async listAlerts(query) {
      const now = clock.now();
      return listAlerts(db, query, await selectActiveSilences(db, now), now);
    },
    async listSilences(includeExpired) {
      const now = clock.now();
      const list = includeExpired ? await selectAllSilences(db, 500) : await selectActiveSilences(db, now);
      return { silences: list.map((s) => toSilenceDto(s, now)) };
    },
    async createSilence(input) {
      const now = clock.now();
      const expiresAt =
        input.expiresAt !== undefined
          ? new Date(input.expiresAt)
          : new Date(now.getTime() + (input.duration ?? 0));
      if (expiresAt.getTime() <= now.getTime()) {
        throw new AppError("bad_request", "invalid request: expiresAt: must be in the future");
      }
      checkSilenceLength({ now, expiresAt, maxMs: deps.maxSilenceMs ?? DEFAULT_MAX_SILENCE_MS });
      const matchers: SilenceMatchers = {};
      if (input.matchers.hostId !== undefined) matchers.hostId = input.matchers.hostId;
      if (input.matchers.check !== undefined) matchers.check = input.matchers.check;
      if (input.matchers.labels !== undefined) matchers.labels = input.matchers.labels;
      const silence = await insertSilence(
        db,
        { matchers, reason: input.reason, createdBy: input.createdBy?.trim() || "api", expiresAt },
        now,
      );
      engine.invalidateSilences();
      return toSilenceDto(silence, now);
    },
    async endSilence(id) {
      const now = clock.now();
      const ended = await expireSilenceRow(db, id, now);
      if (ended === null) throw new AppError("not_found", "no such silence");
      engine.invalidateSilences();
      return toSilenceDto(ended, now);
    },
  };
}

/** Builds alerting from the server's configuration; a bad alerting setting is a ConfigError naming it. */
export function alertingFromConfig(deps: {
  db: Db;
  clock: Clock;
  log: Logger;
  config: Config;
  metrics?: AlertingMetrics;
}): Alerting {
  const { config } = deps;
  const parsed = parseAlertingConfig(config.alerting);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return createAlerting({
    db: deps.db,
    clock: deps.clock,
    log: deps.log,
    config: parsed.config,
    staleAfterSec: config.staleAfterSec,
    maxSilenceMs: config.maxSilenceMs,
    serverUrl: `http://${host}:${config.port}`,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
}
