import {
  ApiErrorSchema,
  HOST_CSV_COLUMNS,
  HOST_SORT_FIELDS,
  HostDetailSchema,
  HostHistorySchema,
  HostListSchema,
  type HostSummary,
} from "@kdumpwatch/protocol";
import { createHarness, type Harness, hello, snapshotFrame, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

type Seed = {
  id: string;
  verdict: string;
  failing: string[];
  os: string | null;
  kernel: string | null;
  ramBytes: number | null;
  crashkernel: string | null;
  reservedBytes: number | null;
  /** seconds before "now" of the last report */
  age: number;
};

// hostnames equal ids; plain lowercase text, so PostgreSQL and JS order strings the same way
const SEEDS: Seed[] = [
  ["h01", "ready", [], "Ubuntu 24.04", "6.8.0", 8, "512M", 512, 10],
  ["h02", "not_ready", ["crashkernel.reserved", "kdump.loaded"], "Ubuntu 24.04", "6.8.0", 16, null, 0, 20],
  ["h03", "at_risk", ["crashkernel.size"], "Ubuntu 22.04", "5.15.0", 4, "256M", 256, 400],
  ["h04", "unknown", ["kdump.loaded"], null, null, null, null, null, 30],
  ["h05", "ready", [], "Debian 12", "6.1.0", 32, "1G", 1024, 500],
  ["h06", "not_ready", ["kdump.loaded"], "Rocky 9.4", "5.14.0", 64, "auto", null, 5],
  ["h07", "ready", [], "Ubuntu 22.04", "5.15.0", 8, "512M", 512, 60],
  ["h08", "at_risk", ["crashkernel.size", "panic.on-oops"], "Debian 12", "6.1.0", null, "192M", 192, 70],
  ["h09", "not_ready", ["crashkernel.param"], "Ubuntu 24.04", "6.8.0", 8, null, null, 1000],
  ["h10", "ready", [], "Rocky 9.4", "5.14.0", 16, "auto", 256, 80],
  ["h11", "unknown", [], null, "6.8.0", 2, null, null, 90],
  ["web-prod_1", "ready", [], "Ubuntu 24.04", "6.8.0", 8, "512M", 512, 1],
].map(([id, verdict, failing, os, kernel, ram, crashkernel, reserved, age]) => ({
  id: id as string,
  verdict: verdict as string,
  failing: failing as string[],
  os: os as string | null,
  kernel: kernel as string | null,
  ramBytes: ram === null ? null : (ram as number) * 2 ** 30,
  crashkernel: crashkernel as string | null,
  reservedBytes: reserved === null ? null : (reserved as number) * 2 ** 20,
  age: age as number,
}));

const RANK: Record<string, number> = { ready: 0, at_risk: 1, unknown: 2, not_ready: 3 };

/**
 * The order the API promises: by the column (nulls last either way), then by id, both reversed by `-`;
 * `failing` is the number of failing checks, then the hostname.
 */
function expectedOrder(hosts: HostSummary[], sort: string): string[] {
  const desc = sort.startsWith("-");
  const field = (desc ? sort.slice(1) : sort) as (typeof HOST_SORT_FIELDS)[number];
  const key = (h: HostSummary): string | number | null => {
    switch (field) {
      case "verdict":
        return RANK[h.verdict] ?? 2;
      case "stale": // not stale first = most recently heard from first
        return -Date.parse(h.lastSeenAt);
      case "lastSeenAt":
      case "verdictSince":
      case "enrolledAt":
        return Date.parse(h[field]);
      case "failing":
        return h.failing.length;
      default:
        return h[field];
    }
  };
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...hosts]
    .sort((x, y) => {
      const a = key(x);
      const b = key(y);
      if (a === null || b === null) return a === b ? cmp(x.id, y.id) * (desc ? -1 : 1) : a === null ? 1 : -1;
      const byName = field === "failing" ? cmp(x.hostname, y.hostname) : 0;
      return (cmp(a, b) || byName || cmp(x.id, y.id)) * (desc ? -1 : 1);
    })
    .map((h) => h.id);
}

describe.each(testDrivers())("host routes on $name", (driver) => {
  let h: Harness;
  let all: HostSummary[];

  beforeAll(async () => {
    h = await createHarness(driver);
    const now = h.clock.now().getTime();
    for (const [i, s] of SEEDS.entries()) {
      const { age, ...values } = s;
      const seen = new Date(now - age * 1000);
      await h.seedHost({
        ...values,
        hostname: s.id,
        lastSeenAt: seen,
        staleClockAt: seen,
        verdictSince: new Date(now - (age + 1000 + i * 7) * 1000),
        enrolledAt: new Date(now - (5000 - i * 13) * 1000),
      });
    }
    const res = await h.request("/api/hosts?limit=500");
    all = HostListSchema.parse(await res.json()).hosts;
  });
  afterAll(async () => h?.dispose());

  async function list(query: string) {
    const res = await h.request(`/api/hosts?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return HostListSchema.parse(await res.json());
  }

  /** Follows nextCursor to the end, `between` runs after each page. */
  async function walk(query: string, between?: (page: number) => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const body = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      ids.push(...body.hosts.map((x) => x.id));
      cursor = body.nextCursor;
      if (!cursor) return ids;
      await between?.(page);
    }
    throw new Error("pagination did not end");
  }

  test("without a bearer token, or with a wrong one, the API answers 401 in the error shape", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong-token-123" }, { authorization: "Basic abc" }]) {
      const res = await h.kdw.app.request("/api/hosts", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      const body = ApiErrorSchema.parse(await res.json());
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.requestId.length).toBeGreaterThan(0);
    }
  });

  test("lists every host with the listed columns, stale computed from the last report", () => {
    expect(all.map((x) => x.id).sort()).toEqual(SEEDS.map((s) => s.id).sort());
    const h09 = all.find((x) => x.id === "h09");
    expect(h09).toMatchObject({
      verdict: "not_ready",
      stale: true,
      failing: ["crashkernel.param"],
      crashkernel: null,
    });
    expect(all.find((x) => x.id === "h01")?.stale).toBe(false);
  });

  test.each([
    ["verdict=ready", (x: HostSummary) => x.verdict === "ready"],
    ["verdict=not_ready,unknown", (x: HostSummary) => x.verdict === "not_ready" || x.verdict === "unknown"],
    ["check=kdump.loaded", (x: HostSummary) => x.failing.includes("kdump.loaded")],
    ["check=crashkernel.size&verdict=at_risk", (x: HostSummary) => x.failing.includes("crashkernel.size")],
    ["q=H1", (x: HostSummary) => x.hostname.includes("h1")],
    ["q=prod_", (x: HostSummary) => x.hostname.includes("prod_")],
    ["q=%25", () => false],
    ["q=_", (x: HostSummary) => x.hostname.includes("_")],
    ["os=Debian%2012", (x: HostSummary) => x.os === "Debian 12"],
    ["kernel=6.8.0", (x: HostSummary) => x.kernel === "6.8.0"],
    ["stale=true", (x: HostSummary) => x.stale],
    ["stale=false", (x: HostSummary) => !x.stale],
    ["stale=false&os=Ubuntu%2024.04&kernel=6.8.0", (x: HostSummary) => !x.stale && x.os === "Ubuntu 24.04"],
  ])("filter %s", async (query, keep) => {
    const body = await list(`${query}&limit=500`);
    const expected = all
      .filter(keep)
      .map((x) => x.id)
      .sort();
    expect(body.hosts.map((x) => x.id).sort(), query).toEqual(expected);
  });

  test.each(HOST_SORT_FIELDS.flatMap((f) => [f, `-${f}`]))("sort %s, walked in pages of 3", async (sort) => {
    const ids = await walk(`sort=${sort}&limit=3`);
    expect(ids, sort).toEqual(expectedOrder(all, sort));
  });

  test("a filtered, sorted walk matches the filtered expectation", async () => {
    const ids = await walk("verdict=ready,at_risk&sort=-ramBytes&limit=2");
    expect(ids).toEqual(
      expectedOrder(
        all.filter((x) => x.verdict === "ready" || x.verdict === "at_risk"),
        "-ramBytes",
      ),
    );
  });

  test.each(["sort=hostname", "sort=-enrolledAt", "sort=os", "sort=-failing"])(
    "cursor pages neither skip nor repeat hosts while hosts change (%s)",
    async (query) => {
      const before = new Set(all.map((x) => x.id));
      const added: string[] = [];
      const ids = await walk(`${query}&limit=2`, async (page) => {
        // between the first pages: new hosts on both sides of the cursor, and other hosts change state
        if (page > 3) return;
        const now = h.clock.now();
        for (const name of [`a-new-${page}`, `z-new-${page}`]) {
          const id = `${name}-${query.replace(/\W/g, "")}`;
          added.push(id);
          await h.seedHost({
            id,
            enrolledAt: new Date(now.getTime() - page * 1000),
            os: page % 2 ? "Debian 12" : null,
          });
        }
        const victim = all[(page * 5) % all.length]!;
        const agent = await h.kdw.services.agents.authenticate(
          hello({ machineId: `m-${page}-${query}` }),
          null,
        );
        if (agent.ok)
          await h.kdw.services.agents.ingest(
            agent.hostId,
            snapshotFrame(`verdict=not_ready failing=kdump.loaded os=Rocky_9.4 v=${page}`),
          );
        await h.kdw.services.agents.heartbeat(victim.id);
        await h.kdw.services.agents.flushLiveness();
      });
      const seen = new Map<string, number>();
      for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      const repeated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      expect(repeated, "no host twice").toEqual([]);
      const missing = [...before].filter((id) => !seen.has(id));
      expect(missing, "every host present from the start is listed").toEqual([]);
      expect(added.length).toBeGreaterThan(0);
    },
  );

  test.each([
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["sort=secret", "sort"],
    ["verdict=fine", "verdict"],
    ["check=not.a.check", "check"],
    ["stale=perhaps", "stale"],
    ["cursor=not-a-cursor", "cursor"],
  ])("a bad query (%s) is a 400 naming the problem", async (query, word) => {
    const res = await h.request(`/api/hosts?${query}`);
    expect(res.status).toBe(400);
    const body = ApiErrorSchema.parse(await res.json());
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain(word);
  });

  test("a cursor is refused with another sort than the one it came from", async () => {
    const first = await list("sort=hostname&limit=2");
    const res = await h.request(`/api/hosts?sort=-hostname&cursor=${first.nextCursor}`);
    expect(res.status).toBe(400);
  });

  test("host detail has checks with evidence and remediation, facts, raw sources and agent info", async () => {
    const auth = await h.kdw.services.agents.authenticate(
      hello({ machineId: "detail", hostname: "detail-host" }),
      "192.0.2.7",
    );
    if (!auth.ok) throw new Error("enrollment failed");
    await h.kdw.services.agents.ingest(
      auth.hostId,
      snapshotFrame("verdict=not_ready failing=kdump.loaded kernel=6.8.0"),
    );
    const res = await h.request(`/api/hosts/${auth.hostId}`);
    expect(res.status).toBe(200);
    const detail = HostDetailSchema.parse(await res.json());
    expect(detail.host).toMatchObject({ hostname: "detail-host", verdict: "not_ready", kernel: "6.8.0" });
    const loaded = detail.checks.find((c) => c.id === "kdump.loaded");
    expect(loaded).toMatchObject({ status: "fail", remediation: ["fix kdump.loaded"] });
    expect(loaded?.evidence[0]?.source).toBe("cmdline");
    expect(detail.sources?.cmdline).toMatchObject({ ok: true });
    expect(detail.facts).not.toBeNull();
    expect(detail.agent).toMatchObject({ version: "0.1.0-test", remoteAddress: "192.0.2.7" });
    const history = HostHistorySchema.parse(
      await (await h.request(`/api/hosts/${auth.hostId}/history`)).json(),
    );
    expect(history.transitions.map((t) => [t.from, t.to])).toEqual([[null, "not_ready"]]);
    expect(history.snapshots).toHaveLength(1);
  });

  test("an unknown host is a 404 in the error shape", async () => {
    for (const path of ["/api/hosts/does-not-exist", "/api/hosts/does-not-exist/history"]) {
      const res = await h.request(path);
      expect(res.status, path).toBe(404);
      expect(ApiErrorSchema.parse(await res.json()).error.code).toBe("not_found");
    }
  });

  test("sort=failing orders by the number of failing checks, then by hostname, in pages that neither skip nor repeat", async () => {
    // hostnames in the opposite order of the ids, so a tie broken by id would show
    const most = [
      "kdump.loaded",
      "kdump.enabled",
      "crashkernel.param",
      "crashkernel.reserved",
      "panic.on-oops",
    ];
    for (const [id, hostname] of [
      ["fs-1", "zz-c"],
      ["fs-2", "zz-b"],
      ["fs-3", "zz-a"],
    ] as const) {
      await h.seedHost({ id, hostname, verdict: "not_ready", failing: most });
    }
    const everyone = (await list("limit=500")).hosts;
    const byId = new Map(everyone.map((x) => [x.id, x]));
    for (const sort of ["failing", "-failing"]) {
      const ids = await walk(`sort=${sort}&limit=2`);
      expect(new Set(ids).size, `${sort}: no host twice`).toBe(ids.length);
      expect([...ids].sort(), `${sort}: every host once`).toEqual([...byId.keys()].sort());
      expect(ids, sort).toEqual(expectedOrder(everyone, sort));
      const counts = ids.map((id) => byId.get(id)?.failing.length ?? -1);
      const sorted = [...counts].sort((a, b) => (sort === "failing" ? a - b : b - a));
      expect(counts, `${sort}: by number of failing checks`).toEqual(sorted);
    }
    const worst = (await list("sort=-failing&limit=3")).hosts.map((x) => x.hostname);
    expect(worst, "most failing first, ties by hostname (descending with -)").toEqual([
      "zz-c",
      "zz-b",
      "zz-a",
    ]);
    const filtered = await walk("verdict=not_ready&sort=failing&limit=1");
    expect(
      filtered.slice(-3).map((id) => byId.get(id)?.hostname),
      "ties by hostname",
    ).toEqual(["zz-a", "zz-b", "zz-c"]);
  });

  test("the CSV export applies the same filters and neutralises formula cells", async () => {
    await h.seedHost({
      id: "=cmd|calc",
      hostname: '=HYPERLINK("x")',
      verdict: "ready",
      os: 'Evil, "quoted" OS',
    });
    const res = await h.request("/api/hosts.csv?verdict=ready&sort=hostname");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe(HOST_CSV_COLUMNS.join(","));
    const readyCount = (await list("verdict=ready&limit=500")).hosts.length;
    expect(lines.length - 1, "one line per matching host").toBe(readyCount);
    const evil = lines.find((l) => l.includes("HYPERLINK"));
    expect(evil?.startsWith('\'=cmd|calc,"\'=HYPERLINK(""x"")"')).toBe(true);
    expect(evil).toContain('"Evil, ""quoted"" OS"');
    const bad = await h.request("/api/hosts.csv?verdict=nope");
    expect(bad.status).toBe(400);
  });
});
