import { describe, expect, test } from "vitest";
import { groupOf, planEnqueue } from "./grouping.ts";

const now = new Date("2026-11-26T10:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

describe("grouping", () => {
  test("firing, reminders and resolves of a check share one group, as in Alertmanager; other checks do not", () => {
    const a = groupOf("firing", "KdumpCheckFailing", "crashkernel.reserved").groupKey;
    expect(groupOf("reminder", "KdumpCheckFailing", "crashkernel.reserved").groupKey).toBe(a);
    expect(groupOf("resolved", "KdumpCheckFailing", "crashkernel.reserved").groupKey).toBe(a);
    expect(groupOf("resolved", "KdumpCheckFailing", "crashkernel.reserved").status).toBe("resolved");
    expect(groupOf("firing", "KdumpCheckFailing", "kdump.loaded").groupKey).not.toBe(a);
    expect(groupOf("firing", "KdumpHostStale", "host.stale").status).toBe("firing");
  });

  test("the first alert opens a group delivered one group wait later", () => {
    expect(planEnqueue(null, now, 30_000)).toEqual({ action: "open", deliverAt: later(30_000), seal: null });
  });

  test("an alert within the window joins the open group", () => {
    expect(planEnqueue({ id: "g1", deliverAt: later(30_000) }, later(29_999), 30_000)).toEqual({
      action: "join",
      groupId: "g1",
    });
  });

  test("an alert after the window seals the old group and opens a new one", () => {
    expect(planEnqueue({ id: "g1", deliverAt: later(30_000) }, later(30_000), 30_000)).toEqual({
      action: "open",
      deliverAt: later(60_000),
      seal: "g1",
    });
  });

  test("300 alerts of one check within the window make one group", () => {
    let open: { id: string; deliverAt: Date } | null = null;
    const groups = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const plan = planEnqueue(open, later(i * 50), 30_000);
      if (plan.action === "open") {
        open = { id: `g${groups.size}`, deliverAt: plan.deliverAt };
        groups.set(open.id, 1);
      } else {
        groups.set(plan.groupId, (groups.get(plan.groupId) ?? 0) + 1);
      }
    }
    expect([...groups.values()], "15 s of arrivals inside a 30 s window").toEqual([300]);
  });
});
