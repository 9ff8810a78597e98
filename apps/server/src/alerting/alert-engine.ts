/**
 * The alert engine: applies the pure state machine to stored alerts. Two entry points:
 *   - onHostsJudged(tx, hosts): inside an ingest batch's transaction, with its hosts' fresh
 *     judgements, set-wise (the decisions themselves are alert-plan.ts's, pure);
 *   - tick(db): the elected periodic job: holds that elapsed, reminders, silences that ended,
 *     hosts that went stale or came back.
 * Every alert change and the notification it causes are written in the same transaction.
 *
 * Inhibition (inhibition.ts): a host's alerts are applied sources first; an alert whose check is the
 * target of an open source alert on the same host is kept but sends nothing (like a silenced one),
 * and the source names it among its consequences. When a source closes, its targets are woken so
 * the next tick pages those that still fail.
 */
import { createHash } from "node:crypto";
import { type CheckResult, CRITICAL_CHECKS, type HostFacts } from "@kdumpwatch/core";
import { alerts, and, type Db, eq, hosts, inArray, isNull, type Tx } from "@kdumpwatch/db";
import type { AlertPolicy } from "./alert-machine.ts";
import {
  type AlertDecision,
  alertOrder,
  alreadyEvaluated,
  decideAlert,
  type HostPlan,
  type JudgedHost,
  type PlanRules,
  planHost,
  trackOpenChecks,
  wakeTargets,
} from "./alert-plan.ts";
import {
  type AlertRow,
  anyDueAlert,
  deleteAlert,
  deleteAlerts,
  descriptionOfRow,
  fingerprintOf,
  insertAlert,
  insertAlerts,
  keyOfRow,
  lockDueAlerts,
  lockOpenAlerts,
  lockOpenAlertsOf,
  openCheckAlerts,
  type Queryable,
  readHostMemories,
  type StateColumns,
  updateAlert,
  updateAlerts,
  wakeAlerts,
  writeHostMemories,
} from "./alert-store.ts";
import type { Observation } from "./conditions.ts";
import { syncIngestAlerts } from "./ingest-alerts.ts";
import { DEFAULT_INHIBIT_RULES, type InhibitRule, inhibitRank } from "./inhibition.ts";
import { enqueueNotification } from "./outbox-store.ts";
import type { Receiver } from "./receivers.ts";
import { selectActiveSilences } from "./silence-store.ts";
import type { Silence } from "./silences.ts";
import { syncStaleAlerts } from "./stale-alerts.ts";

export type { JudgedHost } from "./alert-plan.ts";

/** Builds the engine's input from the host row and core's judgement (facts read defensively). */
export function judgedHostOf(
  host: {
    id: string;
    hostname: string;
    duplicateOf: string | null;
    judgementHash?: string | null;
    labels?: Readonly<Record<string, string>> | null;
  },
  result: {
    checks: readonly CheckResult[];
    facts?: Partial<Pick<HostFacts, "dumps" | "dumpTarget">> | undefined;
  },
): JudgedHost {
  const dumps = result.facts?.dumps;
  const judged: JudgedHost = {
    hostId: host.id,
    hostname: host.hostname,
    checks: result.checks,
    dumps: dumps?.listed === true && Array.isArray(dumps.entries) ? dumps.entries : null,
    dumpDir: result.facts?.dumpTarget?.coredir ?? null,
    duplicateOfHostId: host.duplicateOf,
    labels: host.labels ?? {},
    judgementKey: null,
  };
  // a host never judged (no judgement hash) is always evaluated
  return host.judgementHash ? { ...judged, judgementKey: evaluationKey(judged) } : judged;
}

/**
 * Identifies everything an evaluation reads from the host (conditions.ts evaluateHost and the
 * descriptions): the critical checks' outcomes and texts, the dump listing, the duplicate, the
 * hostname and labels. Two judgements with the same key make the same observations, so a snapshot
 * that changed only what alerting does not look at (RAM, another check's evidence) is not evaluated
 * again; what time alone changes is the tick's (issue 13).
 */
function evaluationKey(h: JudgedHost): string {
  const checks = CRITICAL_CHECKS_ORDER.map((id) => {
    const c = h.checks.find((x) => x.id === id);
    return c === undefined ? null : [c.status, c.summary, c.remediation ?? []];
  });
  const labels = Object.entries(h.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const dumps = h.dumps === null ? null : h.dumps.map((d) => [d.name, d.time, d.complete]);
  const text = JSON.stringify([h.hostname, labels, h.duplicateOfHostId, checks, dumps, h.dumpDir]);
  return createHash("sha256").update(text, "utf8").digest("hex");
}

const CRITICAL_CHECKS_ORDER: readonly string[] = [...CRITICAL_CHECKS];

export interface AlertEngineOptions {
  policy: AlertPolicy;
  groupWaitMs: number;
  receivers: readonly Receiver[];
  /** KDUMPWATCH_STALE_AFTER in ms; a host is stale when its stale clock is older (services/host-view.ts) */
  staleAfterMs: number;
  /** how long silences are cached between database reads */
  silenceCacheMs?: number;
  /** root cause → consequence rules (inhibition.ts); [] = every alert pages on its own */
  inhibitRules?: readonly InhibitRule[];
}

/** Alerts (or hosts) one transaction of the tick takes at once. */
const BATCH = 200;
/** How often the tick reads every stale host, not only those that crossed the threshold since. */
const STALE_FULL_SCAN_MS = 10_000;

export class AlertEngine {
  readonly #o: AlertEngineOptions;
  readonly #plan: PlanRules;
  #silences: { at: number; list: Silence[] } | null = null;
  /** the last tick's stale cutoff and the last full scan of the stale hosts (ms), null = none yet */
  #staleWindow: { cutoff: number; fullAt: number } | null = null;

  constructor(options: AlertEngineOptions) {
    this.#o = options;
    const rules = options.inhibitRules ?? [];
    this.#plan = {
      policy: options.policy,
      rules,
      // root causes first even without rules: an Alertmanager doing the inhibition (raw signals,
      // KDUMPWATCH_ALERT_INHIBIT=off) then receives each source before its targets
      rank: inhibitRank(rules.length > 0 ? rules : DEFAULT_INHIBIT_RULES),
    };
  }

  /** Forget cached silences (after one was created or ended here). */
  invalidateSilences(): void {
    this.#silences = null;
  }

  async onHostJudged(tx: Tx, host: JudgedHost, now: Date): Promise<void> {
    await this.onHostsJudged(tx, [host], now);
  }

  /**
   * Several hosts judged in one ingest transaction, evaluated set-wise (issue 13): one read of
   * their memories, one locking read of their open alerts, silences from the cache, the plans
   * computed in memory (alert-plan.ts), then one statement per kind of write. A host whose
   * judgement was already evaluated is skipped after the first read. Each host at most once.
   */
  async onHostsJudged(tx: Tx, judged: readonly JudgedHost[], now: Date): Promise<void> {
    if (judged.length === 0) return;
    const memories = await readHostMemories(
      tx,
      judged.map((h) => h.hostId),
    );
    const todo = judged.filter((h) => !alreadyEvaluated(h, memories.get(h.hostId) ?? null));
    if (todo.length === 0) return;
    const openRows = await lockOpenAlertsOf(
      tx,
      todo.map((h) => h.hostId),
    );
    const openByHost = new Map<string, AlertRow[]>();
    for (const r of openRows) {
      const list = openByHost.get(r.hostId) ?? [];
      list.push(r);
      openByHost.set(r.hostId, list);
    }
    const originals = await this.#hostnames(
      tx,
      todo.flatMap((h) => (h.duplicateOfHostId === null ? [] : [h.duplicateOfHostId])),
    );
    const silences = await this.#activeSilences(tx, now);
    const plans = todo.map((host) =>
      planHost(
        {
          host,
          memory: memories.get(host.hostId) ?? null,
          open: openByHost.get(host.hostId) ?? [],
          duplicateOf:
            host.duplicateOfHostId === null
              ? null
              : {
                  hostId: host.duplicateOfHostId,
                  hostname: originals.get(host.duplicateOfHostId) ?? host.duplicateOfHostId,
                },
        },
        now,
        silences,
        this.#plan,
      ),
    );
    await this.#writePlans(tx, plans, now);
  }

  /** Hostnames of the hosts that others duplicate (the duplicate alert names them). */
  async #hostnames(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await tx
      .select({ id: hosts.id, hostname: hosts.hostname })
      .from(hosts)
      .where(inArray(hosts.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, r.hostname]));
  }

  /**
   * The plans' writes, one statement per kind: memories, forgotten alerts, rewritten alerts, woken
   * targets, new alerts; then the notifications owed, in the order the plans decided them. Each
   * alert row has at most one decision (one per key and host), so the order of kinds is free.
   */
  async #writePlans(tx: Tx, plans: readonly HostPlan[], now: Date): Promise<void> {
    await writeHostMemories(
      tx,
      plans.map((p) => ({ hostId: p.hostId, memory: p.memory })),
      now,
    );
    const decisions = plans.flatMap((p) => p.decisions);
    const deletes: number[] = [];
    const updates: Array<{ id: number; columns: StateColumns; notifiedAt: Date | null }> = [];
    const inserts: Array<{ key: Observation["key"]; columns: StateColumns; notifiedAt: Date | null }> = [];
    for (const { write } of decisions) {
      if (write === null) continue;
      if (write.kind === "delete") deletes.push(write.id);
      else if (write.kind === "update") updates.push(write);
      else inserts.push(write);
    }
    await deleteAlerts(tx, deletes);
    await updateAlerts(tx, updates);
    await wakeAlerts(
      tx,
      plans.flatMap((p) => p.woken),
      now,
    );
    const inserted = await insertAlerts(tx, inserts);
    for (const d of decisions) {
      if (d.notify === null || d.write === null || d.write.kind === "delete") continue;
      // an insert another transaction beat owns no notification: that one sends it
      const id = d.write.kind === "update" ? d.write.id : inserted.get(fingerprintOf(d.write.key));
      if (id === undefined) continue;
      await enqueueNotification(
        tx,
        { alertId: String(id), ...d.notify },
        now,
        this.#o.groupWaitMs,
        this.#o.receivers,
      );
    }
  }

  #order(key: { alertname: string; check: string }): number {
    return alertOrder(this.#plan, key);
  }

  /**
   * The host was decommissioned (services/decommission.ts): each of its open alerts resolves now,
   * without the hold time, and a receiver that was paged hears "resolved". Nothing opens again: a
   * decommissioned host is neither judged nor swept stale (services/active-hosts.ts).
   */
  async closeHost(tx: Tx, hostId: string, now: Date): Promise<number> {
    const open = await lockOpenAlerts(tx, hostId);
    const closing: AlertPolicy = { ...this.#o.policy, holdMs: 0 };
    for (const row of open) {
      const obs: Observation = { key: keyOfRow(row), condition: false, description: descriptionOfRow(row) };
      await this.#apply(tx, obs, row, now, [], null, closing);
    }
    return open.length;
  }

  /** One pass of the periodic job; returns how many alerts it looked at. */
  async tick(db: Db, now: Date): Promise<number> {
    // stale hosts: those whose clock ran out since the last tick (stale clocks move forward: a
    // report, a beat, an outage's excuse), and every STALE_FULL_SCAN_MS all of them, which also
    // takes what a window could miss (an alert row another transaction held, a merge that moved a
    // clock back); a clock that went back, or a select that stopped at its limit, scans again
    const cutoff = now.getTime() - this.#o.staleAfterMs;
    const w = this.#staleWindow;
    const full = w === null || cutoff < w.cutoff || now.getTime() - w.fullAt >= STALE_FULL_SCAN_MS;
    const stale = await syncStaleAlerts(db, now, {
      staleAfterMs: this.#o.staleAfterMs,
      batch: BATCH,
      crossedSince: full || w === null ? null : new Date(w.cutoff),
      apply: async (tx, obs, row) => {
        await this.#apply(tx, obs, row, now, await this.#activeSilences(tx, now), null);
      },
    });
    if (stale.complete) this.#staleWindow = { cutoff, fullAt: full || w === null ? now.getTime() : w.fullAt };
    let seen = stale.seen;
    seen += await syncIngestAlerts(db, now, {
      batch: BATCH,
      apply: async (tx, obs, row) => {
        await this.#apply(tx, obs, row, now, await this.#activeSilences(tx, now), null);
      },
    });
    // nothing due (the idle case): no transaction; an alert that falls due after this read is
    // picked up by the next tick, as one that falls due after the transaction below would be
    if (!(await anyDueAlert(db, now))) return seen;
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const rows = await lockDueAlerts(tx, now, BATCH);
        if (rows.length === 0) return 0;
        const silences = await this.#activeSilences(tx, now);
        const openByHost = await openCheckAlerts(
          tx,
          rows.map((r) => r.hostId),
        );
        rows.sort(
          (a, b) =>
            (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : 0) ||
            this.#order(keyOfRow(a)) - this.#order(keyOfRow(b)),
        );
        for (const row of rows) {
          const openChecks = openByHost.get(row.hostId) ?? new Set<string>();
          openByHost.set(row.hostId, openChecks);
          const obs: Observation = {
            key: keyOfRow(row),
            condition: null,
            description: descriptionOfRow(row),
          };
          trackOpenChecks(openChecks, obs, await this.#apply(tx, obs, row, now, silences, openChecks));
        }
        return rows.length;
      });
      seen += n;
      if (n < BATCH) return seen;
    }
  }

  /** Once at start: firing alerts that paged nobody are looked at again (rules may have changed). */
  async wakeUnnotified(db: Db, now: Date): Promise<void> {
    await db
      .update(alerts)
      .set({ dueAt: now })
      .where(and(isNull(alerts.resolvedAt), eq(alerts.state, "firing"), eq(alerts.notified, false)));
  }

  async #activeSilences(db: Queryable, now: Date): Promise<Silence[]> {
    const ttl = this.#o.silenceCacheMs ?? 2000;
    const cached = this.#silences;
    if (cached !== null && Math.abs(now.getTime() - cached.at) < ttl) return cached.list;
    const list = await selectActiveSilences(db, now);
    this.#silences = { at: now.getTime(), list };
    return list;
  }

  /**
   * One observation of one alert, written at once (the tick, decommission): the decision
   * (alert-plan.ts), the row written, the notification enqueued. Returns what the alert became.
   */
  async #apply(
    tx: Queryable,
    obs: Observation,
    row: AlertRow | null,
    now: Date,
    silences: Silence[],
    openChecks: ReadonlySet<string> | null,
    policy: AlertPolicy = this.#o.policy,
  ): Promise<AlertDecision["phase"]> {
    const d = decideAlert(obs, row, now, silences, openChecks, this.#plan, policy);
    const { write } = d;
    if (write === null) return d.phase;
    let id: number;
    if (write.kind === "delete") {
      await deleteAlert(tx, write.id);
      await this.#wakeTargets(tx, obs, now);
      return d.phase;
    }
    if (write.kind === "insert") {
      const inserted = await insertAlert(tx, write.key, write.columns, write.notifiedAt);
      // another transaction opened the same alert first: it owns the notification
      if (inserted === null) return d.phase;
      id = inserted.id;
    } else {
      await updateAlert(tx, write.id, write.columns, write.notifiedAt);
      id = write.id;
    }
    if (d.wake) await this.#wakeTargets(tx, obs, now);
    if (d.notify === null) return d.phase;
    await enqueueNotification(
      tx,
      { alertId: String(id), ...d.notify },
      now,
      this.#o.groupWaitMs,
      this.#o.receivers,
    );
    return d.phase;
  }

  /** A source alert closed: its targets on the host are looked at by the next tick. */
  async #wakeTargets(tx: Queryable, obs: Observation, now: Date): Promise<void> {
    const targets = wakeTargets(this.#plan.rules, obs);
    if (targets.length === 0) return;
    await tx
      .update(alerts)
      .set({ dueAt: now })
      .where(
        and(
          eq(alerts.hostId, obs.key.hostId),
          eq(alerts.alertname, "KdumpCheckFailing"),
          inArray(alerts.checkId, targets),
          isNull(alerts.resolvedAt),
        ),
      );
  }
}
