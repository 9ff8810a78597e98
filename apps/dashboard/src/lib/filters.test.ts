import { describe, expect, test } from "vitest";
import {
  DEFAULT_FILTERS,
  type FleetFilters,
  filtersFromQuery,
  filtersToQuery,
  hostsApiQuery,
  isFiltered,
  sameFilters,
  toggleSort,
} from "./filters.ts";

const q = (s: string) => new URLSearchParams(s);

describe("filters ↔ URL", () => {
  test("an empty query is the default view (worst verdict first)", () => {
    expect(filtersFromQuery(q(""))).toEqual(DEFAULT_FILTERS);
    expect(filtersToQuery(DEFAULT_FILTERS).toString()).toBe("");
  });

  test.each([
    "verdict=not_ready",
    "verdict=not_ready%2Cunknown",
    "check=crashkernel.reserved",
    "q=web-01",
    "os=Ubuntu+24.04.1+LTS",
    "kernel=6.8.0-45-generic",
    "stale=true",
    "stale=false",
    "sort=-lastSeenAt",
    "sort=hostname",
    "sort=verdict",
    "sort=failing",
    "sort=-failing",
    "q=db&verdict=at_risk&check=kdump.loaded&os=Debian&kernel=6.1.0&stale=true&sort=-ramBytes",
  ])("%s survives a round trip through the URL", (query) => {
    expect(filtersToQuery(filtersFromQuery(q(query))).toString()).toBe(query);
  });

  test("unknown values fall back to the default instead of breaking the view", () => {
    const f = filtersFromQuery(q("verdict=great&check=no.such.check&stale=maybe&sort=-password"));
    expect(f).toEqual(DEFAULT_FILTERS);
  });

  test("a verdict list keeps the known words in catalogue order", () => {
    expect(filtersFromQuery(q("verdict=unknown,bogus,not_ready")).verdict).toEqual(["not_ready", "unknown"]);
  });

  test("search text is trimmed and capped", () => {
    const f = filtersFromQuery(q(`q=${encodeURIComponent(`  ${"x".repeat(500)}  `)}`));
    expect(f.q).toHaveLength(200);
  });
});

describe("API query", () => {
  test("always carries the sort, and the paging when given", () => {
    const params = hostsApiQuery(
      { ...DEFAULT_FILTERS, check: "kdump.loaded" },
      { cursor: "abc", limit: 100 },
    );
    expect(params.toString()).toBe("check=kdump.loaded&sort=-verdict&cursor=abc&limit=100");
  });

  test("has no cursor on the first page", () => {
    expect(hostsApiQuery(DEFAULT_FILTERS, { cursor: null, limit: 50 }).has("cursor")).toBe(false);
  });
});

describe("sorting and state", () => {
  test("clicking the sorted column flips it; a new column starts ascending", () => {
    const byName = toggleSort(DEFAULT_FILTERS, "hostname");
    expect([byName.sort, byName.dir]).toEqual(["hostname", "asc"]);
    const flipped = toggleSort(byName, "hostname");
    expect([flipped.sort, flipped.dir]).toEqual(["hostname", "desc"]);
    expect(toggleSort(flipped, "ramBytes").dir).toBe("asc");
  });

  test("sort alone does not count as filtering", () => {
    expect(isFiltered({ ...DEFAULT_FILTERS, sort: "hostname" })).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTERS, verdict: ["ready"] })).toBe(true);
    expect(isFiltered({ ...DEFAULT_FILTERS, stale: "true" })).toBe(true);
  });

  test("sameFilters compares by meaning, not identity", () => {
    const a: FleetFilters = { ...DEFAULT_FILTERS, verdict: ["not_ready"] };
    expect(sameFilters(a, { ...a, verdict: ["not_ready"] })).toBe(true);
    expect(sameFilters(a, { ...a, q: "x" })).toBe(false);
  });
});

describe("the label filter", () => {
  test("a valid name=value survives the page URL and reaches the API query; a malformed one is dropped", () => {
    const f = filtersFromQuery(new URLSearchParams("label=team%3Dstorage"));
    expect(f.label).toBe("team=storage");
    expect(isFiltered(f)).toBe(true);
    expect(filtersToQuery(f).get("label")).toBe("team=storage");
    expect(hostsApiQuery(f).get("label")).toBe("team=storage");
    expect(filtersFromQuery(new URLSearchParams("label=Team")).label).toBe("");
  });
});
