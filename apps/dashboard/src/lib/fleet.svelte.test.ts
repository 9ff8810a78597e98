import { hostRow, summary } from "@kdumpwatch/testkit";
import { expect, test, vi } from "vitest";
import { ApiClient } from "./api.ts";
import { DEFAULT_FILTERS } from "./filters.ts";
import { FleetStore, PAGE_SIZE } from "./fleet.svelte.ts";

/** A fake server: pages of hosts by cursor, and a log of the URLs asked for. */
function fakeServer(
  pages: Record<string, { hosts: ReturnType<typeof hostRow>[]; nextCursor: string | null }>,
) {
  const urls: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input), "http://x");
    urls.push(`${url.pathname}${url.search}`);
    if (url.pathname === "/api/fleet/summary") return Response.json(summary());
    if (url.pathname === "/api/hosts/facets")
      return Response.json({
        total: 250,
        verdicts: { ready: 200, at_risk: 0, not_ready: 50, unknown: 0 },
        failingChecks: [{ check: "kdump.loaded", hosts: 50 }],
        rootCauses: [{ check: "kdump.loaded", hosts: 50 }],
      });
    const page = pages[url.searchParams.get("cursor") ?? ""];
    return page ? Response.json(page) : new Response("{}", { status: 404 });
  }) as typeof globalThis.fetch;
  return { api: new ApiClient({ fetch }), urls };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

const hostUrls = (urls: string[]) => urls.filter((u) => u.startsWith("/api/hosts?"));

test("pages forward by the cursor in the position, back through the cursors seen, and count the matches", async () => {
  const { api, urls } = fakeServer({
    "": { hosts: [hostRow({ id: "a" })], nextCursor: "c2" },
    c2: { hosts: [hostRow({ id: "b" })], nextCursor: "c3" },
    c3: { hosts: [hostRow({ id: "c" })], nextCursor: null },
  });
  const fleet = new FleetStore(api);
  fleet.setFilters({ ...DEFAULT_FILTERS });
  await settle();
  expect(fleet.hosts.map((h) => h.id)).toEqual(["a"]);
  expect(hostUrls(urls)[0]).toBe(`/api/hosts?sort=-verdict&limit=${PAGE_SIZE}`);
  expect(fleet.facets?.total).toBe(250);

  const next = fleet.nextPosition();
  expect(next).toEqual({ page: 2, after: "c2" });
  fleet.setView({ ...DEFAULT_FILTERS }, next ?? { page: 1, after: null });
  await settle();
  expect(fleet.hosts.map((h) => h.id)).toEqual(["b"]);
  expect(fleet.pageIndex).toBe(1);
  expect(await fleet.previousPosition()).toEqual({ page: 1, after: null });
});

test("a link to page 3 finds page 2's cursor by walking from the first page", async () => {
  const { api, urls } = fakeServer({
    "": { hosts: [hostRow({ id: "a" })], nextCursor: "c2" },
    c2: { hosts: [hostRow({ id: "b" })], nextCursor: "c3" },
    c3: { hosts: [hostRow({ id: "c" })], nextCursor: null },
  });
  const fleet = new FleetStore(api);
  fleet.setView({ ...DEFAULT_FILTERS }, { page: 3, after: "c3" });
  await settle();
  expect(fleet.hosts.map((h) => h.id)).toEqual(["c"]);
  expect(await fleet.previousPosition()).toEqual({ page: 2, after: "c2" });
  expect(hostUrls(urls).at(-1), "walked from the first page").toBe(
    `/api/hosts?sort=-verdict&limit=${PAGE_SIZE}`,
  );
});

test("changing a filter goes back to the first page and counts again; the same view does not refetch", async () => {
  const { api, urls } = fakeServer({
    "": { hosts: [hostRow()], nextCursor: "c2" },
    c2: { hosts: [hostRow({ id: "b" })], nextCursor: null },
  });
  const fleet = new FleetStore(api);
  fleet.setView({ ...DEFAULT_FILTERS }, { page: 2, after: "c2" });
  await settle();
  const before = urls.length;
  fleet.setView({ ...DEFAULT_FILTERS }, { page: 2, after: "c2" });
  expect(urls.length, "an identical view must not refetch").toBe(before);
  fleet.setFilters({ ...DEFAULT_FILTERS, check: "kdump.loaded" });
  await settle();
  expect(fleet.pageIndex).toBe(0);
  expect(hostUrls(urls).at(-1)).toBe(`/api/hosts?check=kdump.loaded&sort=-verdict&limit=${PAGE_SIZE}`);
  expect(urls.at(-1) ?? "", "the facets follow the filter").toMatch(
    /^\/api\/hosts\/facets\?check=kdump.loaded$/,
  );
});

test("a live host event updates its row at once and refetches the page", async () => {
  vi.useFakeTimers();
  try {
    const { api, urls } = fakeServer({
      "": { hosts: [hostRow({ id: "a", verdict: "not_ready" })], nextCursor: null },
    });
    const fleet = new FleetStore(api);
    fleet.setFilters({ ...DEFAULT_FILTERS });
    await vi.advanceTimersByTimeAsync(0);
    const before = urls.length;
    fleet.onLiveEvent({ type: "host", host: hostRow({ id: "a", verdict: "ready" }) });
    expect(fleet.hosts[0]?.verdict, "the row changes before any refetch").toBe("ready");
    expect(fleet.flashing.has("a"), "the changed row is marked").toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(urls.length).toBeGreaterThan(before);
  } finally {
    vi.useRealTimers();
  }
});

test("a live event of a decommissioned host takes its row out at once, unannounced", async () => {
  vi.useFakeTimers();
  try {
    const { api } = fakeServer({
      "": { hosts: [hostRow({ id: "a" }), hostRow({ id: "b", hostname: "web-02" })], nextCursor: null },
    });
    const fleet = new FleetStore(api);
    fleet.setFilters({ ...DEFAULT_FILTERS });
    await vi.advanceTimersByTimeAsync(0);
    fleet.onLiveEvent({
      type: "host",
      host: hostRow({ id: "a", verdict: "ready", decommissionedAt: "2026-11-26T10:00:00.000Z" }),
    });
    expect(fleet.hosts.map((h) => h.id)).toEqual(["b"]);
    expect(fleet.flashing.has("a")).toBe(false);
  } finally {
    vi.useRealTimers();
  }
});

test("the readiness history loads the last week; a younger fleet gets closer looks at its part", async () => {
  const grid = (start: string, step: number, n: number, firstHost: number) =>
    Array.from({ length: n }, (_, i) => ({
      at: new Date(Date.parse(start) + i * step * 1000).toISOString(),
      ready: i >= firstHost ? 4 : 0,
      at_risk: 0,
      not_ready: i >= firstHost ? 1 : 0,
      unknown: 0,
    }));
  // a week in steps of 3040 s, hosts only in the last point
  const week = grid("2026-11-19T10:00:00.000Z", 3040, 200, 199);
  // from the last empty point, in steps of a minute: hosts only in the last two
  const hour = grid(week[198]?.at ?? "", 60, 49, 47);
  // from the last empty minute: hosts fill the chart
  const minutes = grid(hour[46]?.at ?? "", 60, 3, 1);
  const answers = new Map([
    ["", week],
    [week[198]?.at, hour],
    [hour[46]?.at, minutes],
  ]);
  const asked: (string | null)[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const since = new URL(String(input), "http://x").searchParams.get("since");
    asked.push(since);
    return Response.json({ points: answers.get(since ?? "") ?? [] });
  }) as typeof globalThis.fetch;
  const fleet = new FleetStore(new ApiClient({ fetch }));
  await fleet.loadHistory();
  expect(asked).toEqual([null, week[198]?.at, hour[46]?.at]);
  expect(fleet.history).toEqual(minutes);
  expect(fleet.historyError).toBeNull();

  // an older fleet: the week as it is, one request
  asked.length = 0;
  answers.set("", grid("2026-11-19T10:00:00.000Z", 3040, 200, 20));
  await fleet.loadHistory();
  expect(asked).toEqual([null]);
  expect(fleet.history).toHaveLength(200);
});

test("a history the server refuses leaves the chart to the live samples, and says why", async () => {
  const { api } = fakeServer({});
  const fleet = new FleetStore(api);
  await fleet.loadHistory();
  expect(fleet.history).toEqual([]);
  expect(fleet.historyError, "the fake server has no history: 404").not.toBeNull();
});

test("a live summary replaces the summary and adds a readiness sample", () => {
  const fleet = new FleetStore(fakeServer({}).api);
  fleet.onLiveEvent({ type: "summary", summary: summary() });
  expect(fleet.summary?.total).toBe(10);
  expect(fleet.samples).toHaveLength(1);
});
