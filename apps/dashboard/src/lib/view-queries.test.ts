import { describe, expect, test } from "vitest";
import { alertViewFromQuery, alertViewToQuery, DEFAULT_ALERT_VIEW } from "./alert-list.svelte.ts";
import { changesViewFromQuery, changesViewToQuery } from "./changes.svelte.ts";
import type { ReadinessColumns } from "./chart-data.ts";
import { bandAt, countsAt } from "./chart-view.ts";
import { DEFAULT_FILTERS, filtersFromQuery, pageOf, positionFromQuery, viewQuery } from "./filters.ts";
import { groupSilences } from "./silence-groups.ts";

describe("views in the URL", () => {
  test.each([
    ["", { page: 1, after: null }],
    ["page=3&after=abc", { page: 3, after: "abc" }],
    ["page=3", { page: 1, after: null }],
    ["page=0&after=abc", { page: 1, after: null }],
    ["page=x&after=abc", { page: 1, after: null }],
  ])("the host list position of %j", (qs, position) => {
    expect(positionFromQuery(new URLSearchParams(qs))).toEqual(position);
  });

  test("a view's URL holds the filters, then the page past the first", () => {
    const f = { ...DEFAULT_FILTERS, changed: "24h" as const };
    expect(viewQuery(f, { page: 1, after: null }).toString()).toBe("changed=24h");
    expect(viewQuery(f, { page: 2, after: "c2" }).toString()).toBe("changed=24h&page=2&after=c2");
    expect(filtersFromQuery(new URLSearchParams("changed=1y")).changed, "unknown values fall back").toBe("");
    expect(pageOf({ page: 2 }, 10_000, 100)).toEqual({ page: 2, pages: 100 });
    expect(pageOf({ page: 1 }, 0, 100)).toEqual({ page: 1, pages: 1 });
  });

  test("the alert view round-trips through the URL; unknown values fall back to the default", () => {
    const v = {
      ...DEFAULT_ALERT_VIEW,
      state: "silenced" as const,
      group: "cause" as const,
      cause: "kexec.lockdown",
    };
    expect(alertViewFromQuery(alertViewToQuery(v))).toEqual(v);
    expect(alertViewToQuery(DEFAULT_ALERT_VIEW).toString()).toBe("");
    expect(alertViewFromQuery(new URLSearchParams("state=loud&group=x&window=1y"))).toEqual(
      DEFAULT_ALERT_VIEW,
    );
  });

  test("the changes view: the feed's filters, or a moment and a verdict", () => {
    const feed = changesViewFromQuery(new URLSearchParams("within=7d&to=not_ready&kind=all"));
    expect(feed).toMatchObject({ within: "7d", to: "not_ready", all: true, at: null });
    expect(changesViewToQuery(feed).toString()).toBe("within=7d&to=not_ready&kind=all");
    const at = changesViewFromQuery(new URLSearchParams("at=2026-11-26T10:00:00Z&verdict=at_risk"));
    expect(changesViewToQuery(at).toString()).toBe("at=2026-11-26T10%3A00%3A00.000Z&verdict=at_risk");
    expect(changesViewFromQuery(new URLSearchParams("at=never")).at).toBeNull();
  });
});

describe("reading the chart at a point", () => {
  // tops of the stacked bands: ready, at_risk, unknown, not_ready
  const cols: ReadinessColumns = [
    [100, 200],
    [5, 6],
    [7, 6],
    [7, 6],
    [10, 9],
  ];

  test("counts at a point are the differences of the band tops", () => {
    expect(countsAt(cols, 0)?.counts).toEqual({ ready: 5, at_risk: 2, unknown: 0, not_ready: 3 });
    expect(countsAt(cols, 2)).toBeNull();
  });

  test.each([
    [0, 0, "ready"],
    [0, 5, "ready"],
    [0, 6, "at_risk"],
    [0, 8.5, "not_ready"],
    [0, 50, "not_ready"],
    [1, 6, "ready"],
    [0, -1, null],
  ] as const)("at column %i, %d hosts up is the %s band", (idx, hosts, verdict) => {
    expect(bandAt(cols, idx, hosts)).toBe(verdict);
  });
});

test("per-host silences of one bulk silence list as one line", () => {
  const s = (id: string, hostId: string) => ({
    id,
    matchers: { hostId, check: "kdump.loaded" },
    reason: "tonight",
    createdBy: "ops",
    createdAt: "2026-11-26T10:00:00.000Z",
    expiresAt: "2026-11-26T18:00:00.000Z",
    active: true,
  });
  const groups = groupSilences(
    [s("1", "a"), s("2", "b"), { ...s("3", "c"), reason: "other" }],
    new Map([["c", "web-c"]]),
  );
  expect(groups.map((g) => [g.what, g.ids])).toEqual([
    ["2 hosts · check kdump.loaded", ["1", "2"]],
    ["host web-c · check kdump.loaded", ["3"]],
  ]);
});
