/**
 * The alert state machine: pure. One alert's state, one observation and the time in; the next state
 * and at most one notification to enqueue out. Nothing here reads a clock or a database, so every
 * rule of docs/alerting.md §Lifecycle is unit-tested with a fake clock (alert-machine.test.ts).
 *
 *   (none) ──condition──▶ pending ──held `hold`──▶ firing ──clear──▶ clearing ──clear `hold`──▶ resolved
 *              ▲            │ clears: forgotten,        ▲   reminders     │ condition back:
 *              │            ▼ nothing was sent          └─────────────────┘ still firing, no page
 *
 * Hysteresis works both ways: an alert fires only after its condition held for `hold`, and resolves
 * only after the condition stayed clear for `hold`, so a host flapping faster than `hold` either never
 * pages or pages once and stays firing. A resolve is sent exactly when a firing notification was.
 */
import type { NotifyKind } from "./alert-types.ts";
import { nextReminderDelayMs, type ReminderPolicy } from "./backoff.ts";

const ALERT_PHASES = ["pending", "firing", "clearing", "resolved"] as const;
export type AlertPhase = (typeof ALERT_PHASES)[number];

export interface AlertState {
  phase: AlertPhase;
  /** when the condition (last) became true: the alert's startsAt */
  activeSince: Date;
  /** when the machine decided to fire (pending → firing) */
  firedAt: Date | null;
  /** while clearing: when the condition cleared */
  clearSince: Date | null;
  /** when resolved: when the condition cleared for good (the alert's endsAt) */
  resolvedAt: Date | null;
  /** a firing notification was enqueued for this alert (so a resolve is owed) */
  notified: boolean;
  /** reminders enqueued so far */
  reminders: number;
  /** when the next reminder is due; null while not notified or not firing */
  nextReminderAt: Date | null;
}

export interface AlertPolicy extends ReminderPolicy {
  /** hysteresis, both ways (KDUMPWATCH_ALERT_HOLD) */
  holdMs: number;
}

/**
 * `condition`: true/false when the host was just evaluated, null when only time passed (a tick):
 * then the last known condition is implied by the phase.
 * `silenced`: a silence matches the alert now (firing and reminders are held back; resolves are not).
 */
export interface AlertInput {
  condition: boolean | null;
  silenced: boolean;
}

export interface AlertStep {
  /** null: the alert is forgotten (it was pending and cleared, or never existed) */
  state: AlertState | null;
  notify: NotifyKind | null;
}

export function stepAlert(
  prev: AlertState | null,
  input: AlertInput,
  now: Date,
  policy: AlertPolicy,
): AlertStep {
  // a resolved alert is history; a new occurrence starts a new alert
  if (prev?.phase === "resolved" && input.condition !== true) return { state: prev, notify: null };
  const state = prev === null || prev.phase === "resolved" ? null : prev;
  if (state === null) {
    if (input.condition !== true) return { state: null, notify: null };
    return advance(newPending(now), input, now, policy);
  }
  return advance(observe(state, input.condition, now), input, now, policy);
}

function newPending(now: Date): AlertState {
  return {
    phase: "pending",
    activeSince: now,
    firedAt: null,
    clearSince: null,
    resolvedAt: null,
    notified: false,
    reminders: 0,
    nextReminderAt: null,
  };
}

/** Applies a fresh observation to the phase (no time rule yet); null state = forget it. */
function observe(state: AlertState, condition: boolean | null, now: Date): AlertState | null {
  if (condition === null) return state;
  switch (state.phase) {
    case "pending":
      return condition ? state : null;
    case "firing":
      return condition ? state : { ...state, phase: "clearing", clearSince: now };
    case "clearing":
      return condition ? { ...state, phase: "firing", clearSince: null } : state;
    case "resolved":
      return state;
  }
}

/** Applies the time rules: hold elapsed, reminder due, silence lifted. */
function advance(state: AlertState | null, input: AlertInput, now: Date, policy: AlertPolicy): AlertStep {
  if (state === null) return { state: null, notify: null };
  const t = now.getTime();
  switch (state.phase) {
    case "pending": {
      if (t - state.activeSince.getTime() < policy.holdMs) return { state, notify: null };
      const fired: AlertState = { ...state, phase: "firing", firedAt: now };
      if (input.silenced) return { state: fired, notify: null };
      return { state: notified(fired, now, policy), notify: "firing" };
    }
    case "firing": {
      if (input.silenced) {
        // keep the reminder rhythm while silenced, without sending
        if (state.nextReminderAt !== null && state.nextReminderAt.getTime() <= t) {
          return { state: remindered(state, now, policy), notify: null };
        }
        return { state, notify: null };
      }
      // fired while silenced, silence gone: the receiver hears about it now
      if (!state.notified) return { state: notified(state, now, policy), notify: "firing" };
      if (state.nextReminderAt !== null && state.nextReminderAt.getTime() <= t) {
        return { state: remindered(state, now, policy), notify: "reminder" };
      }
      return { state, notify: null };
    }
    case "clearing": {
      const clearSince = state.clearSince ?? now;
      if (t - clearSince.getTime() < policy.holdMs) return { state, notify: null };
      const resolved: AlertState = {
        ...state,
        phase: "resolved",
        resolvedAt: clearSince,
        nextReminderAt: null,
      };
      return { state: resolved, notify: state.notified ? "resolved" : null };
    }
    case "resolved":
      return { state, notify: null };
  }
}

function notified(state: AlertState, now: Date, policy: AlertPolicy): AlertState {
  return {
    ...state,
    notified: true,
    reminders: 0,
    nextReminderAt: new Date(now.getTime() + nextReminderDelayMs(0, policy)),
  };
}

function remindered(state: AlertState, now: Date, policy: AlertPolicy): AlertState {
  const reminders = state.reminders + 1;
  return {
    ...state,
    reminders,
    nextReminderAt: new Date(now.getTime() + nextReminderDelayMs(reminders, policy)),
  };
}

/**
 * The earliest time at which a tick could change this alert without a new observation, or null.
 * The engine stores it so the periodic job only visits alerts that are due.
 */
export function nextDueAt(state: AlertState, policy: AlertPolicy): Date | null {
  switch (state.phase) {
    case "pending":
      return new Date(state.activeSince.getTime() + policy.holdMs);
    case "firing":
      // not yet notified (silenced): re-checked when silences change; reminders otherwise
      return state.notified ? state.nextReminderAt : null;
    case "clearing":
      return new Date((state.clearSince ?? state.activeSince).getTime() + policy.holdMs);
    case "resolved":
      return null;
  }
}
