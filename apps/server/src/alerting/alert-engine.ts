/**
 * The alert engine: applies the pure state machine to stored alerts. Two entry points:
 *   - onHostJudged(tx, host): inside the ingest transaction, with the host's fresh judgement;
 *   - tick(db): the elected periodic job: holds that elapsed, reminders, silences that ended,
 *     hosts that went stale or came back.
 * Every alert change and the notification it causes are written in the same transaction.
 */
import type { CheckResult, DumpEntry, HostFacts } from "@kdumpwatch/core";
import { alerts, and, type Db, eq, hosts, inArray, isNull, lt, sql, type Tx } from "@kdumpwatch/db";
import { type AlertPolicy, type AlertState, nextDueAt, stepAlert } from "./alert-machine.ts";
import {
  type AlertRow,
  deleteAlert,
  descriptionOfRow,
  fingerprintOf,
  insertAlert,
  keyOfRow,
  lockDueAlerts,
  lockOpenAlerts,
  type Queryable,
  readHostMemory,
  stateColumns,
  stateOfRow,
  updateAlert,
  writeHostMemory,
} from "./alert-store.ts";
import { alertKeyString, alertLabels, type NotificationItem } from "./alert-types.ts";
import { evaluateHost, type Observation, staleObservation } from "./conditions.ts";
import { enqueueNotification } from "./outbox-store.ts";
import type { Receiver } from "./receivers.ts";
import { selectActiveSilences } from "./silence-store.ts";
import { isSilenced, type Silence } from "./silences.ts";

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
  /**
   * Identifies the judgement (hosts.judgement_hash and duplicate_of): one already evaluated is
   * skipped with a primary-key read; null = always evaluate.
   */
  judgementKey: string | null;
}

/** Builds the engine's input from the host row and core's judgement (facts read defensively). */
export function judgedHostOf(
  host: { id: string; hostname: string; duplicateOf: string | null; judgementHash?: string | null },
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
}

/** An alert that fired while silenced is looked at again this often, to page when the silence ends. */
export const SILENCE_RECHECK_MS = 15_000;
const BATCH = 200;

export class AlertEngine {
  readonly #o: AlertEngineOptions;
  #silences: { at: number; list: Silence[] } | null = null;

  constructor(options: AlertEngineOptions) {
    this.#o = options;
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
    for (const obs of evaluation.observations) {
      await this.#apply(tx, obs, byKey.get(alertKeyString(obs.key)) ?? null, now, silences);
    }
  }

  /** One pass of the periodic job; returns how many alerts it looked at. */
  async tick(db: Db, now: Date): Promise<number> {
    let seen = await this.#syncStale(db, now);
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const rows = await lockDueAlerts(tx, now, BATCH);
        const silences = await this.#activeSilences(tx, now);
        for (const row of rows) {
          await this.#apply(
            tx,
            { key: keyOfRow(row), condition: null, description: descriptionOfRow(row) },
            row,
            now,
            silences,
          );
        }
        return rows.length;
      });
      seen += n;
      if (n < BATCH) return seen;
    }
  }

  /** Stale alerts follow the hosts' stale clocks (which the server moves past its own outages). */
  async #syncStale(db: Db, now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.#o.staleAfterMs);
    // stale hosts without a stale alert that holds (none, or one that is clearing)
    const staleHosts = await db
      .select({ id: hosts.id, hostname: hosts.hostname, staleClockAt: hosts.staleClockAt })
      .from(hosts)
      .where(
        and(
          lt(hosts.staleClockAt, cutoff),
          sql`not exists (select 1 from ${alerts} a where a.host_id = ${hosts.id}
                and a.alertname = 'KdumpHostStale' and a.resolved_at is null and a.state <> 'clearing')`,
        ),
      )
      .limit(BATCH * 5);
    // stale alerts whose host reported again (a heartbeat does not go through ingest)
    const back = await db
      .select({ id: alerts.id })
      .from(alerts)
      .innerJoin(hosts, eq(hosts.id, alerts.hostId))
      .where(
        and(
          eq(alerts.alertname, "KdumpHostStale"),
          isNull(alerts.resolvedAt),
          inArray(alerts.state, ["pending", "firing"]),
          sql`${hosts.staleClockAt} >= ${cutoff.toISOString()}::timestamptz`,
        ),
      )
      .limit(BATCH * 5);
    if (staleHosts.length === 0 && back.length === 0) return 0;
    await db.transaction(async (tx) => {
      const silences = await this.#activeSilences(tx, now);
      for (const h of staleHosts) {
        const obs = staleObservation(
          h.id,
          h.hostname,
          true,
          (now.getTime() - h.staleClockAt.getTime()) / 1000,
        );
        const [row] = await tx
          .select()
          .from(alerts)
          .where(and(eq(alerts.fingerprint, fingerprintOf(obs.key)), isNull(alerts.resolvedAt)))
          .for("update", { skipLocked: true });
        await this.#apply(tx, obs, row ?? null, now, silences);
      }
      if (back.length > 0) {
        const rows = await tx
          .select()
          .from(alerts)
          .where(
            and(
              inArray(
                alerts.id,
                back.map((b) => b.id),
              ),
              isNull(alerts.resolvedAt),
            ),
          )
          .for("update", { skipLocked: true });
        for (const row of rows) {
          const d = descriptionOfRow(row);
          const obs = staleObservation(row.hostId, d.hostname, false, 0);
          await this.#apply(tx, { ...obs, description: d }, row, now, silences);
        }
      }
    });
    return staleHosts.length + back.length;
  }

  async #activeSilences(db: Queryable, now: Date): Promise<Silence[]> {
    const ttl = this.#o.silenceCacheMs ?? 2000;
    const cached = this.#silences;
    if (cached !== null && Math.abs(now.getTime() - cached.at) < ttl) return cached.list;
    const list = await selectActiveSilences(db, now);
    this.#silences = { at: now.getTime(), list };
    return list;
  }

  async #apply(
    tx: Queryable,
    obs: Observation,
    row: AlertRow | null,
    now: Date,
    silences: Silence[],
  ): Promise<void> {
    const prev = row === null ? null : stateOfRow(row);
    // keep the description of the failure: a resolve reports what was wrong, not "now passing"
    const description = row !== null && obs.condition !== true ? descriptionOfRow(row) : obs.description;
    const labels = alertLabels(obs.key, description.hostname);
    const step = stepAlert(
      prev,
      { condition: obs.condition, silenced: isSilenced(silences, labels, now) },
      now,
      this.#o.policy,
    );
    const next = step.state;
    if (next === null) {
      if (row !== null) await deleteAlert(tx, row.id);
      return;
    }
    if (row !== null && step.notify === null && sameState(prev, next) && sameDescription(row, description))
      return;
    const columns = stateColumns(next, description, this.#dueAt(next, now));
    let id: number;
    if (row === null) {
      const inserted = await insertAlert(tx, obs.key, columns, step.notify === null ? null : now);
      // another transaction opened the same alert first: it owns the notification
      if (inserted === null) return;
      id = inserted.id;
    } else {
      await updateAlert(tx, row.id, columns, step.notify === null ? null : now);
      id = row.id;
    }
    if (step.notify === null) return;
    const item: NotificationItem = {
      alertId: String(id),
      kind: step.notify,
      labels,
      annotations: { summary: description.summary, remediation: description.remediation },
      startsAt: next.activeSince.toISOString(),
      endsAt: next.phase === "resolved" && next.resolvedAt !== null ? next.resolvedAt.toISOString() : null,
    };
    await enqueueNotification(tx, item, now, this.#o.groupWaitMs, this.#o.receivers);
  }

  #dueAt(state: AlertState, now: Date): Date | null {
    const due = nextDueAt(state, this.#o.policy);
    if (due !== null) return due;
    if (state.phase === "firing" && !state.notified) return new Date(now.getTime() + SILENCE_RECHECK_MS);
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

function sameDescription(
  row: AlertRow,
  d: { hostname: string; summary: string; remediation: string },
): boolean {
  const r = descriptionOfRow(row);
  return r.hostname === d.hostname && r.summary === d.summary && r.remediation === d.remediation;
}
