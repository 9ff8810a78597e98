/**
 * The alert engine: applies the pure state machine to stored alerts. Two entry points:
 *   - onHostJudged(tx, host): inside the ingest transaction, with the host's fresh judgement;
 *   - tick(db): the elected periodic job: holds that elapsed, reminders, silences that ended,
 *     hosts that went stale or came back.
 * Every alert change and the notification it causes are written in the same transaction.
 *
 * Inhibition (inhibition.ts): a host's alerts are applied sources first; an alert whose check is the
 * target of an open source alert on the same host is kept but sends nothing (like a silenced one),
 * and the source names it among its consequences. When a source closes, its targets are woken so
 * the next tick pages those that still fail.
 */
import type { CheckResult, DumpEntry, HostFacts } from "@kdumpwatch/core";
import { alerts, and, type Db, eq, hosts, inArray, isNull, type Tx } from "@kdumpwatch/db";
import { type AlertPolicy, type AlertState, nextDueAt, stepAlert } from "./alert-machine.ts";
import {
  type AlertRow,
  deleteAlert,
  descriptionOfRow,
  insertAlert,
  keyOfRow,
  lockDueAlerts,
  lockOpenAlerts,
  openCheckAlerts,
  type Queryable,
  readHostMemory,
  stateColumns,
  stateOfRow,
  updateAlert,
  writeHostMemory,
} from "./alert-store.ts";
import {
  type AlertDescription,
  alertKeyString,
  alertLabels,
  consequencesText,
  type NotificationItem,
} from "./alert-types.ts";
import { evaluateHost, type Observation } from "./conditions.ts";
import { syncIngestAlerts } from "./ingest-alerts.ts";
import {
  consequencesOf,
  DEFAULT_INHIBIT_RULES,
  type InhibitRule,
  inhibitedBy,
  inhibitRank,
} from "./inhibition.ts";
import { enqueueNotification } from "./outbox-store.ts";
import type { Receiver } from "./receivers.ts";
import { selectActiveSilences } from "./silence-store.ts";
import { isSilenced, type Silence } from "./silences.ts";
import { syncStaleAlerts } from "./stale-alerts.ts";

/** What ingest knows about a host it just judged. */
export interface JudgedHost {
  hostId: string;
  hostname: string;
  checks: readonly CheckResult[];
  /** core facts' dump listing, null when it could not be read */
  dumps: readonly DumpEntry[] | null;
  dumpDir: string | null;
  /** hosts.duplicate_of: the host that enrolled first with the same machine-id */
  duplicateOfHostId: string | null;
  /** the host's effective labels (team, site…), carried into its alerts' labels */
  labels: Readonly<Record<string, string>>;
  /**
   * Identifies the judgement (hosts.judgement_hash and duplicate_of): one already evaluated is
   * skipped with a primary-key read; null = always evaluate.
   */
  judgementKey: string | null;
}

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
  return {
    hostId: host.id,
    hostname: host.hostname,
    checks: result.checks,
    dumps: dumps?.listed === true && Array.isArray(dumps.entries) ? dumps.entries : null,
    dumpDir: result.facts?.dumpTarget?.coredir ?? null,
    duplicateOfHostId: host.duplicateOf,
    labels: host.labels ?? {},
    judgementKey: host.judgementHash ? `${host.judgementHash}/${host.duplicateOf ?? ""}` : null,
  };
}

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

/** What #apply decided about an alert's inhibition, and what it became (null = forgotten). */
type Applied = AlertState["phase"] | null;

/** An alert that fired while silenced is looked at again this often, to page when the silence ends. */
const SILENCE_RECHECK_MS = 15_000;
const BATCH = 200;

export class AlertEngine {
  readonly #o: AlertEngineOptions;
  readonly #rules: readonly InhibitRule[];
  readonly #rank: (check: string) => number;
  #silences: { at: number; list: Silence[] } | null = null;

  constructor(options: AlertEngineOptions) {
    this.#o = options;
    this.#rules = options.inhibitRules ?? [];
    // root causes first even without rules: an Alertmanager doing the inhibition (raw signals,
    // KDUMPWATCH_ALERT_INHIBIT=off) then receives each source before its targets
    this.#rank = inhibitRank(this.#rules.length > 0 ? this.#rules : DEFAULT_INHIBIT_RULES);
  }

  /** Forget cached silences (after one was created or ended here). */
  invalidateSilences(): void {
    this.#silences = null;
  }

  async onHostJudged(tx: Tx, host: JudgedHost, now: Date): Promise<void> {
    const memory = await readHostMemory(tx, host.hostId);
    if (host.judgementKey !== null && memory?.evaluated === host.judgementKey) return;
    const open = await lockOpenAlerts(tx, host.hostId);
    const baseline = memory?.baseline ?? null;
    let duplicateOf: { hostId: string; hostname: string } | null = null;
    if (host.duplicateOfHostId !== null) {
      const [original] = await tx
        .select({ hostname: hosts.hostname })
        .from(hosts)
        .where(eq(hosts.id, host.duplicateOfHostId));
      duplicateOf = {
        hostId: host.duplicateOfHostId,
        hostname: original?.hostname ?? host.duplicateOfHostId,
      };
    }
    const evaluation = evaluateHost(
      {
        hostId: host.hostId,
        hostname: host.hostname,
        checks: host.checks,
        dumps: host.dumps,
        dumpDir: host.dumpDir,
        duplicateOf,
      },
      open.map(keyOfRow),
      baseline,
    );
    const remembered = { baseline: evaluation.dumpBaseline ?? baseline, evaluated: host.judgementKey };
    await writeHostMemory(tx, host.hostId, remembered, now);
    const byKey = new Map(open.map((r) => [alertKeyString(keyOfRow(r)), r]));
    const silences = await this.#activeSilences(tx, now);
    const openChecks = new Set(
      open
        .filter((r) => r.alertname === "KdumpCheckFailing" && r.checkId !== null)
        .map((r) => r.checkId as string),
    );
    for (const obs of this.#withConsequences(evaluation.observations, host)) {
      const phase = await this.#apply(
        tx,
        obs,
        byKey.get(alertKeyString(obs.key)) ?? null,
        now,
        silences,
        openChecks,
      );
      this.#track(openChecks, obs, phase);
    }
  }

  /**
   * The observations with the host's labels and, on each failing check, the checks failing because
   * of it; sources before their targets, so a target sees its source's new state.
   */
  #withConsequences(observations: readonly Observation[], host: JudgedHost): Observation[] {
    const failing = new Set(
      observations
        .filter((o) => o.key.alertname === "KdumpCheckFailing" && o.condition === true)
        .map((o) => o.key.check),
    );
    const summaries = new Map<string, string>(host.checks.map((c) => [c.id, c.summary]));
    return observations
      .map((o) => {
        const description: AlertDescription = { ...o.description, hostLabels: host.labels };
        if (o.key.alertname === "KdumpCheckFailing" && o.condition === true) {
          const targets = consequencesOf(this.#rules, o.key.check, failing);
          if (targets.length > 0) {
            description.consequences = targets.map((check) => ({
              check,
              summary: summaries.get(check) ?? check,
            }));
          }
        }
        return { ...o, description };
      })
      .sort((a, b) => this.#order(a.key) - this.#order(b.key));
  }

  #order(key: { alertname: string; check: string }): number {
    return key.alertname === "KdumpCheckFailing" ? this.#rank(key.check) : 1000;
  }

  /** Keeps a host's set of open check alerts current while its alerts are applied in order. */
  #track(openChecks: Set<string>, obs: Observation, phase: Applied): void {
    if (obs.key.alertname !== "KdumpCheckFailing") return;
    if (phase === null || phase === "resolved") openChecks.delete(obs.key.check);
    else openChecks.add(obs.key.check);
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
    let seen = await syncStaleAlerts(db, now, {
      staleAfterMs: this.#o.staleAfterMs,
      batch: BATCH,
      apply: async (tx, obs, row) => {
        await this.#apply(tx, obs, row, now, await this.#activeSilences(tx, now), null);
      },
    });
    seen += await syncIngestAlerts(db, now, {
      batch: BATCH,
      apply: async (tx, obs, row) => {
        await this.#apply(tx, obs, row, now, await this.#activeSilences(tx, now), null);
      },
    });
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const rows = await lockDueAlerts(tx, now, BATCH);
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
          this.#track(openChecks, obs, await this.#apply(tx, obs, row, now, silences, openChecks));
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
   * One observation of one alert: the state machine's step, the row written, the notification
   * enqueued. `openChecks`: the host's open check alerts (inhibition), null when not applicable.
   */
  async #apply(
    tx: Queryable,
    obs: Observation,
    row: AlertRow | null,
    now: Date,
    silences: Silence[],
    openChecks: ReadonlySet<string> | null,
    policy: AlertPolicy = this.#o.policy,
  ): Promise<Applied> {
    const prev = row === null ? null : stateOfRow(row);
    const stored = row === null ? null : descriptionOfRow(row);
    // keep the description of the failure: a resolve reports what was wrong, not "now passing"
    let description = stored !== null && obs.condition !== true ? stored : obs.description;
    // once it paged, an alert keeps its labels: receivers see one label set, one fingerprint
    if (row?.notified && stored !== null)
      description = { ...description, hostLabels: stored.hostLabels ?? {} };
    const labels = alertLabels(obs.key, description.hostname, description.hostLabels);
    const silenced = isSilenced(silences, labels, now);
    const inhibited =
      openChecks !== null &&
      obs.key.alertname === "KdumpCheckFailing" &&
      inhibitedBy(this.#rules, obs.key.check, openChecks).length > 0;
    const step = stepAlert(prev, { condition: obs.condition, silenced: silenced || inhibited }, now, policy);
    const next = step.state;
    if (next === null) {
      if (row !== null) {
        await deleteAlert(tx, row.id);
        await this.#wakeTargets(tx, obs, now);
      }
      return null;
    }
    const dueAt = this.#dueAt(next, now, silenced);
    if (
      row !== null &&
      step.notify === null &&
      sameState(prev, next) &&
      sameDescription(stored, description) &&
      dueSettled(row.dueAt, dueAt, now)
    ) {
      return next.phase;
    }
    const columns = stateColumns(next, description, dueAt);
    let id: number;
    if (row === null) {
      const inserted = await insertAlert(tx, obs.key, columns, step.notify === null ? null : now);
      // another transaction opened the same alert first: it owns the notification
      if (inserted === null) return next.phase;
      id = inserted.id;
    } else {
      await updateAlert(tx, row.id, columns, step.notify === null ? null : now);
      id = row.id;
    }
    if (next.phase === "resolved" && prev?.phase !== "resolved") await this.#wakeTargets(tx, obs, now);
    if (step.notify === null) return next.phase;
    const consequences = consequencesText(description.consequences);
    const item: NotificationItem = {
      alertId: String(id),
      kind: step.notify,
      labels,
      annotations: {
        summary: description.summary,
        remediation: description.remediation,
        ...(consequences === "" ? {} : { consequences }),
      },
      startsAt: next.activeSince.toISOString(),
      endsAt: next.phase === "resolved" && next.resolvedAt !== null ? next.resolvedAt.toISOString() : null,
    };
    await enqueueNotification(tx, item, now, this.#o.groupWaitMs, this.#o.receivers);
    return next.phase;
  }

  /** A source alert closed: its targets on the host are looked at by the next tick. */
  async #wakeTargets(tx: Queryable, obs: Observation, now: Date): Promise<void> {
    if (obs.key.alertname !== "KdumpCheckFailing") return;
    const targets = this.#rules.filter((r) => r.source === obs.key.check).map((r) => r.target);
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

  /**
   * When the tick must look again. A firing alert held back by a silence is re-checked every
   * SILENCE_RECHECK_MS (silences end by time); one held back only by inhibition waits for its
   * source to close (#wakeTargets).
   */
  #dueAt(state: AlertState, now: Date, silenced: boolean): Date | null {
    const due = nextDueAt(state, this.#o.policy);
    if (due !== null) return due;
    if (state.phase === "firing" && !state.notified && silenced)
      return new Date(now.getTime() + SILENCE_RECHECK_MS);
    return null;
  }
}

const t = (d: Date | null) => (d === null ? null : d.getTime());

function sameState(a: AlertState | null, b: AlertState): boolean {
  return (
    a !== null &&
    a.phase === b.phase &&
    t(a.activeSince) === t(b.activeSince) &&
    t(a.firedAt) === t(b.firedAt) &&
    t(a.clearSince) === t(b.clearSince) &&
    t(a.resolvedAt) === t(b.resolvedAt) &&
    a.notified === b.notified &&
    a.reminders === b.reminders &&
    t(a.nextReminderAt) === t(b.nextReminderAt)
  );
}

function sameDescription(stored: AlertDescription | null, d: AlertDescription): boolean {
  if (stored === null) return false;
  return (
    stored.hostname === d.hostname &&
    stored.summary === d.summary &&
    stored.remediation === d.remediation &&
    canonical(stored.hostLabels ?? {}) === canonical(d.hostLabels ?? {}) &&
    JSON.stringify(stored.consequences ?? []) === JSON.stringify(d.consequences ?? [])
  );
}

function canonical(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The stored due time needs no write: it is in the future (or absent) as the new one is. A due time
 * already reached must move on, or the tick would pick the same alert up again at once.
 */
function dueSettled(stored: Date | null, next: Date | null, now: Date): boolean {
  if (stored === null) return next === null;
  return next !== null && stored.getTime() > now.getTime();
}
