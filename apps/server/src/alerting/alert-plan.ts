/**
 * What the engine decides, without a database: pure. One observation of one alert becomes an
 * AlertDecision (the state machine's step, the row to write, the notification owed); one judged
 * host becomes a HostPlan (its memory and the decisions of all its alerts, in inhibition order).
 *
 * The engine (alert-engine.ts) writes a decision at once in the tick, and a whole ingest batch's
 * plans together in a few multi-row statements (issue 13): both run these same functions, so the
 * alert semantics cannot differ between the two paths.
 */
import type { CheckResult, DumpEntry } from "@kdumpwatch/core";
import { type AlertPhase, type AlertPolicy, type AlertState, nextDueAt, stepAlert } from "./alert-machine.ts";
import {
  type AlertRow,
  descriptionOfRow,
  type HostMemory,
  keyOfRow,
  type StateColumns,
  stateColumns,
  stateOfRow,
} from "./alert-store.ts";
import {
  type AlertDescription,
  type AlertKey,
  alertKeyString,
  alertLabels,
  consequencesText,
  type NotificationItem,
} from "./alert-types.ts";
import { evaluateHost, type Observation } from "./conditions.ts";
import { consequencesOf, type InhibitRule, inhibitedBy } from "./inhibition.ts";
import { isSilenced, type Silence } from "./silences.ts";

/** The engine's configuration the decisions depend on. */
export interface PlanRules {
  policy: AlertPolicy;
  /** root cause → consequence rules; [] = every alert pages on its own */
  rules: readonly InhibitRule[];
  /** order of a check among the host's alerts: sources before their targets */
  rank: (check: string) => number;
}

type AlertWrite =
  | { kind: "delete"; id: number }
  | { kind: "insert"; key: AlertKey; columns: StateColumns; notifiedAt: Date | null }
  | { kind: "update"; id: number; columns: StateColumns; notifiedAt: Date | null };

/** What one observation does to one alert. */
export interface AlertDecision {
  obs: Observation;
  /** what the alert became (null = forgotten) */
  phase: AlertPhase | null;
  /** null: the stored row is already right */
  write: AlertWrite | null;
  /** a source alert closed: its open targets on the host must be looked at by the next tick */
  wake: boolean;
  /** the notification owed once the row is written (its alert id is the row's) */
  notify: Omit<NotificationItem, "alertId"> | null;
}

/** An alert that fired while silenced is looked at again this often, to page when the silence ends. */
const SILENCE_RECHECK_MS = 15_000;

/**
 * One observation of one alert. `openChecks`: the host's open check alerts (inhibition), null when
 * not applicable.
 */
export function decideAlert(
  obs: Observation,
  row: AlertRow | null,
  now: Date,
  silences: readonly Silence[],
  openChecks: ReadonlySet<string> | null,
  rules: PlanRules,
  policy: AlertPolicy = rules.policy,
): AlertDecision {
  const prev = row === null ? null : stateOfRow(row);
  const stored = row === null ? null : descriptionOfRow(row);
  // keep the description of the failure: a resolve reports what was wrong, not "now passing"
  let description = stored !== null && obs.condition !== true ? stored : obs.description;
  // once it paged, an alert keeps its labels: receivers see one label set, one fingerprint
  if (row?.notified && stored !== null) description = { ...description, hostLabels: stored.hostLabels ?? {} };
  const labels = alertLabels(obs.key, description.hostname, description.hostLabels);
  const silenced = isSilenced(silences, labels, now);
  const inhibited =
    openChecks !== null &&
    obs.key.alertname === "KdumpCheckFailing" &&
    inhibitedBy(rules.rules, obs.key.check, openChecks).length > 0;
  const step = stepAlert(prev, { condition: obs.condition, silenced: silenced || inhibited }, now, policy);
  const next = step.state;
  if (next === null) {
    if (row === null) return { obs, phase: null, write: null, wake: false, notify: null };
    return { obs, phase: null, write: { kind: "delete", id: row.id }, wake: true, notify: null };
  }
  const dueAt = dueAtOf(next, now, silenced, rules.policy);
  if (
    row !== null &&
    step.notify === null &&
    sameState(prev, next) &&
    sameDescription(stored, description) &&
    dueSettled(row.dueAt, dueAt, now)
  ) {
    return { obs, phase: next.phase, write: null, wake: false, notify: null };
  }
  const columns = stateColumns(next, description, dueAt);
  const notifiedAt = step.notify === null ? null : now;
  const write: AlertWrite =
    row === null
      ? { kind: "insert", key: obs.key, columns, notifiedAt }
      : { kind: "update", id: row.id, columns, notifiedAt };
  const wake = next.phase === "resolved" && prev?.phase !== "resolved";
  if (step.notify === null) return { obs, phase: next.phase, write, wake, notify: null };
  const consequences = consequencesText(description.consequences);
  const notify: AlertDecision["notify"] = {
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
  return { obs, phase: next.phase, write, wake, notify };
}

/** The checks a closing source wakes (its rules' targets); [] when it is not a check alert. */
export function wakeTargets(rules: readonly InhibitRule[], obs: Observation): string[] {
  if (obs.key.alertname !== "KdumpCheckFailing") return [];
  return rules.filter((r) => r.source === obs.key.check).map((r) => r.target);
}

/** Keeps a host's set of open check alerts current while its alerts are decided in order. */
export function trackOpenChecks(openChecks: Set<string>, obs: Observation, phase: AlertPhase | null): void {
  if (obs.key.alertname !== "KdumpCheckFailing") return;
  if (phase === null || phase === "resolved") openChecks.delete(obs.key.check);
  else openChecks.add(obs.key.check);
}

/** Sort key of an alert on its host: check alerts in inhibition order, the others after them. */
export function alertOrder(rules: PlanRules, key: { alertname: string; check: string }): number {
  return key.alertname === "KdumpCheckFailing" ? rules.rank(key.check) : 1000;
}

/** What ingest knows about a host it just judged (the engine's input, see judgedHostOf). */
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
   * Identifies what the evaluation reads (alert-engine.ts judgedHostOf): a host whose key is the
   * one its alert memory last evaluated is skipped; null = always evaluate.
   */
  judgementKey: string | null;
}

/** One judged host's evaluation: what to remember, and its alerts' decisions in the order made. */
export interface HostPlan {
  hostId: string;
  memory: HostMemory;
  decisions: AlertDecision[];
  /**
   * Open alerts a closing source woke (due now, for the next tick) that no later decision of this
   * plan writes: a later write sets its own due time, as it would had the wake been written first.
   */
  woken: number[];
}

/** Everything a host's plan reads, as the engine found it (open rows locked). */
export interface HostPlanInput {
  host: JudgedHost;
  memory: HostMemory | null;
  /** the host's open (unresolved) alerts */
  open: readonly AlertRow[];
  /** the host it duplicates, with its hostname, when host.duplicateOfHostId is set */
  duplicateOf: { hostId: string; hostname: string } | null;
}

/** Whether the host's judgement was already evaluated (its alerts cannot change from it). */
export function alreadyEvaluated(host: JudgedHost, memory: HostMemory | null): boolean {
  return host.judgementKey !== null && memory?.evaluated === host.judgementKey;
}

/** The plan of one judged host: evaluate its report, decide each of its alerts in order. */
export function planHost(
  input: HostPlanInput,
  now: Date,
  silences: readonly Silence[],
  rules: PlanRules,
): HostPlan {
  const { host, open } = input;
  const baseline = input.memory?.baseline ?? null;
  const evaluation = evaluateHost(
    {
      hostId: host.hostId,
      hostname: host.hostname,
      checks: host.checks,
      dumps: host.dumps,
      dumpDir: host.dumpDir,
      duplicateOf: input.duplicateOf,
    },
    open.map(keyOfRow),
    baseline,
  );
  const memory: HostMemory = { baseline: evaluation.dumpBaseline ?? baseline, evaluated: host.judgementKey };
  const byKey = new Map(open.map((r) => [alertKeyString(keyOfRow(r)), r]));
  const openChecks = new Set(
    open
      .filter((r) => r.alertname === "KdumpCheckFailing" && r.checkId !== null)
      .map((r) => r.checkId as string),
  );
  const decisions: AlertDecision[] = [];
  const woken = new Set<number>();
  for (const obs of withConsequences(evaluation.observations, host, rules)) {
    const row = byKey.get(alertKeyString(obs.key)) ?? null;
    const d = decideAlert(obs, row, now, silences, openChecks, rules);
    if (d.write !== null && d.write.kind !== "insert") woken.delete(d.write.id);
    if (d.wake) {
      const targets = wakeTargets(rules.rules, obs);
      for (const r of open) {
        if (r.alertname === "KdumpCheckFailing" && r.checkId !== null && targets.includes(r.checkId))
          woken.add(r.id);
      }
    }
    trackOpenChecks(openChecks, obs, d.phase);
    decisions.push(d);
  }
  return { hostId: host.hostId, memory, decisions, woken: [...woken] };
}

/**
 * The observations with the host's labels and, on each failing check, the checks failing because
 * of it; sources before their targets, so a target sees its source's new state.
 */
function withConsequences(
  observations: readonly Observation[],
  host: JudgedHost,
  rules: PlanRules,
): Observation[] {
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
        const targets = consequencesOf(rules.rules, o.key.check, failing);
        if (targets.length > 0) {
          description.consequences = targets.map((check) => ({
            check,
            summary: summaries.get(check) ?? check,
          }));
        }
      }
      return { ...o, description };
    })
    .sort((a, b) => alertOrder(rules, a.key) - alertOrder(rules, b.key));
}

/**
 * When the tick must look again. A firing alert held back by a silence is re-checked every
 * SILENCE_RECHECK_MS (silences end by time); one held back only by inhibition waits for its
 * source to close (the wake).
 */
function dueAtOf(state: AlertState, now: Date, silenced: boolean, policy: AlertPolicy): Date | null {
  const due = nextDueAt(state, policy);
  if (due !== null) return due;
  if (state.phase === "firing" && !state.notified && silenced)
    return new Date(now.getTime() + SILENCE_RECHECK_MS);
  return null;
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
