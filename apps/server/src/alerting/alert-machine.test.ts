import { describe, expect, test } from "vitest";
import { type AlertInput, type AlertPolicy, type AlertState, nextDueAt, stepAlert } from "./alert-machine.ts";
import type { NotifyKind } from "./alert-types.ts";

const S = 1000;
const H = 3600 * S;
const T0 = Date.parse("2026-11-26T10:00:00Z");
const policy: AlertPolicy = { holdMs: 60 * S, reminderBaseMs: 4 * H, reminderCapMs: 24 * H };

/** Drives one alert through (time offset, condition, silenced) steps and records what it sends. */
function drive(steps: ReadonlyArray<[number, boolean | null, boolean?]>, p: AlertPolicy = policy) {
  let state: AlertState | null = null;
  const sent: Array<{ at: number; kind: NotifyKind }> = [];
  const phases: Array<string> = [];
  for (const [at, condition, silenced] of steps) {
    const input: AlertInput = { condition, silenced: silenced ?? false };
    const step = stepAlert(state, input, new Date(T0 + at), p);
    state = step.state;
    phases.push(state?.phase ?? "none");
    if (step.notify !== null) sent.push({ at, kind: step.notify });
  }
  return { state, sent, phases };
}

describe("hold (hysteresis)", () => {
  test("an alert fires only once its condition has held for the hold time", () => {
    const r = drive([
      [0, true],
      [30 * S, true],
      [59 * S, null],
      [60 * S, null],
    ]);
    expect(r.phases, "pending until hold elapsed").toEqual(["pending", "pending", "pending", "firing"]);
    expect(r.sent).toEqual([{ at: 60 * S, kind: "firing" }]);
    expect(r.state?.activeSince.getTime(), "startsAt is when the condition began").toBe(T0);
  });

  test("a condition that clears within the hold time is forgotten without any notification", () => {
    const r = drive([
      [0, true],
      [40 * S, false],
      [120 * S, null],
    ]);
    expect(r.sent).toEqual([]);
    expect(r.state).toBeNull();
  });

  test("a host flapping faster than the hold time never pages", () => {
    const steps: Array<[number, boolean]> = [];
    for (let i = 0; i < 100; i++) steps.push([i * 30 * S, i % 2 === 0]);
    expect(drive(steps).sent).toEqual([]);
  });

  test("once firing, a flap back within the hold does not resolve nor page again", () => {
    const r = drive([
      [0, true],
      [60 * S, null],
      [70 * S, false],
      [100 * S, true],
      [110 * S, false],
      [150 * S, true],
      [400 * S, null],
    ]);
    expect(r.sent, "one firing only").toEqual([{ at: 60 * S, kind: "firing" }]);
    expect(r.state?.phase).toBe("firing");
  });

  test("a resolve is sent once the condition stayed clear for the hold time, with endsAt when it cleared", () => {
    const r = drive([
      [0, true],
      [60 * S, null],
      [100 * S, false],
      [159 * S, null],
      [160 * S, null],
      [500 * S, null],
    ]);
    expect(r.sent).toEqual([
      { at: 60 * S, kind: "firing" },
      { at: 160 * S, kind: "resolved" },
    ]);
    expect(r.state?.phase).toBe("resolved");
    expect(r.state?.resolvedAt?.getTime()).toBe(T0 + 100 * S);
  });

  test("with a hold of 0 an alert fires and resolves on the observation itself", () => {
    const r = drive(
      [
        [0, true],
        [5 * S, false],
      ],
      { ...policy, holdMs: 0 },
    );
    expect(r.sent).toEqual([
      { at: 0, kind: "firing" },
      { at: 5 * S, kind: "resolved" },
    ]);
  });

  test("an unknown observation (evidence missing) neither fires a pending alert early nor resolves a firing one", () => {
    const r = drive([
      [0, true],
      [60 * S, null],
      [70 * S, null],
      [10 * H, null],
    ]);
    expect(r.state?.phase).toBe("firing");
    expect(r.sent.filter((s) => s.kind === "resolved")).toEqual([]);
  });

  test("after a resolve, a new occurrence is a new alert with its own hold and start", () => {
    const r = drive(
      [
        [0, true],
        [30 * S, null],
        [40 * S, false],
        [70 * S, null],
        [100 * S, true],
        [130 * S, null],
      ],
      { ...policy, holdMs: 30 * S },
    );
    expect(r.sent.map((s) => s.kind)).toEqual(["firing", "resolved", "firing"]);
    expect(r.state?.activeSince.getTime()).toBe(T0 + 100 * S);
  });
});

describe("reminders", () => {
  test("reminders back off 4 h, 8 h, 16 h, then every 24 h while the alert stays firing", () => {
    const p = { ...policy, holdMs: 0 };
    let state = stepAlert(null, { condition: true, silenced: false }, new Date(T0), p).state;
    const reminders: number[] = [];
    // tick every minute for 5 days
    for (let t = 60 * S; t <= 5 * 24 * H; t += 60 * S) {
      const step = stepAlert(state, { condition: null, silenced: false }, new Date(T0 + t), p);
      state = step.state;
      if (step.notify === "reminder") reminders.push(t / H);
    }
    expect(reminders).toEqual([4, 12, 28, 52, 76, 100]);
  });

  test("no reminder is sent while the alert is clearing, and none after it resolved", () => {
    const p = { ...policy, holdMs: 10 * H };
    const r = drive(
      [
        [0, true],
        [10 * H, null],
        [13 * H, false],
        [14 * H + 1, null],
        [23 * H, null],
        [30 * H, null],
      ],
      p,
    );
    expect(r.sent).toEqual([
      { at: 10 * H, kind: "firing" },
      { at: 23 * H, kind: "resolved" },
    ]);
  });

  test("nextDueAt points at the hold end while pending and at the next reminder while firing", () => {
    const pending = stepAlert(null, { condition: true, silenced: false }, new Date(T0), policy).state!;
    expect(nextDueAt(pending, policy)?.getTime()).toBe(T0 + 60 * S);
    const firing = stepAlert(pending, { condition: null, silenced: false }, new Date(T0 + 60 * S), policy)
      .state!;
    expect(nextDueAt(firing, policy)?.getTime()).toBe(T0 + 60 * S + 4 * H);
  });
});

describe("silences", () => {
  test("an alert that fires while silenced sends nothing, and pages when the silence ends", () => {
    const r = drive([
      [0, true, true],
      [60 * S, null, true],
      [2 * H, null, true],
      [3 * H, null, false],
      [3 * H + S, null, false],
    ]);
    expect(r.sent).toEqual([{ at: 3 * H, kind: "firing" }]);
  });

  test("an alert silenced for its whole life never sends a resolve: the receiver never heard of it", () => {
    const r = drive([
      [0, true, true],
      [60 * S, null, true],
      [100 * S, false, true],
      [200 * S, null, true],
    ]);
    expect(r.sent).toEqual([]);
    expect(r.state?.phase).toBe("resolved");
  });

  test("silencing a firing alert holds back its reminders but still sends its resolve", () => {
    const r = drive([
      [0, true],
      [60 * S, null],
      [5 * H, null, true],
      [13 * H, null, true],
      [14 * H, false, true],
      [14 * H + 60 * S, null, true],
    ]);
    expect(r.sent).toEqual([
      { at: 60 * S, kind: "firing" },
      { at: 14 * H + 60 * S, kind: "resolved" },
    ]);
  });
});
