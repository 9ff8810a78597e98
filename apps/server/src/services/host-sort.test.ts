import { hosts, sql } from "@kdumpwatch/db";
import { HOST_SORT_FIELDS, type HostListQuery, type HostSort } from "@kdumpwatch/protocol";
import { createHarness, type Harness, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { filterWhere, orderBy } from "./host-query.ts";
import { staleCutoff } from "./host-view.ts";
import { hostListQuery, listHosts } from "./hosts.ts";

/**
 * Every sort of the host list, walked page by page through its cursors, lists the same hosts in
 * the same order as one sort of all matching rows (with and without the common filters), across
 * ties (equal failing counts, equal RAM, equal hostnames) and nulls (no RAM, no OS); and on
 * PostgreSQL the sorts that migration 0009 indexes walk their index instead of sorting.
 */

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const SORTS = HOST_SORT_FIELDS.flatMap((f) => [f, `-${f}`]) as HostSort[];
const FILTERS: Record<string, Omit<HostListQuery, "limit" | "sort" | "cursor">> = {
  none: {},
  verdict: { verdict: ["not_ready", "at_risk"] },
  stale: { stale: true },
  check: { check: "kdump.loaded" },
};
/** the sorts migration 0009 serves, each under every filter; the others without a filter */
const INDEXED: HostSort[] = ["ramBytes", "failing", "-failing", "-ramBytes"];
const CASES = [
  ...SORTS.map((sort) => [sort, "none"] as const),
  ...INDEXED.flatMap((sort) =>
    Object.keys(FILTERS)
      .filter((f) => f !== "none")
      .map((f) => [sort, f] as const),
  ),
];

describe.each(testDrivers())("host list sorts on $name", (driver) => {
  let h: Harness;
  // enough hosts on PostgreSQL for its planner to prefer an index walk to a sort
  const fleet = driver.name === "postgres" ? 10_000 : 2_000;
  beforeAll(async () => {
    h = await createHarness(driver);
    // times of millisecond precision, as the server writes them (a cursor holds a JS Date)
    const at = h.clock.now().toISOString();
    // ties everywhere: 0 to 3 failing checks, RAM repeating every 97 hosts and null every 11th,
    // every 50th host named `dup.sim.example` (the id breaks those ties), OS null every 13th
    await h.db.db.execute(sql`insert into hosts (id, machine_id, hostname, verdict, failing, os, kernel,
        ram_bytes, crashkernel, reserved_bytes, enrolled_at, last_seen_at, verdict_since, stale_clock_at)
      select 'h' || g, 'm' || g,
        case when g % 50 = 0 then 'dup.sim.example'
          else (array['web','app','db','k8s','cache'])[1 + g % 5] || '-' || lpad(g::text, 5, '0') || '.sim.example' end,
        (array['ready','ready','at_risk','not_ready','unknown'])[1 + (g / 5) % 5],
        case g % 7 when 0 then array['kdump.loaded'] when 1 then array['kdump.loaded','crashkernel.size']
          when 2 then array['crashkernel.size','crashkernel.reserved','kdump.loaded'] else '{}'::text[] end,
        case when g % 13 = 0 then null else (array['Debian GNU/Linux 12','RHEL 9.4'])[1 + g % 2] end,
        '6.' || (g % 9) || '.0',
        case when g % 11 = 0 then null else (g % 97)::numeric * 1073741824 end,
        case when g % 3 = 0 then null else (g % 4) || 'G' end,
        case when g % 3 = 0 then null else (g % 4)::numeric * 1073741824 end,
        ${at}::timestamptz - (g % 17) * interval '1 second', ${at}::timestamptz - (g % 19) * interval '1 second',
        ${at}::timestamptz - (g % 23) * interval '1 second',
        ${at}::timestamptz - (case when g % 29 = 0 then interval '1 hour' else interval '0' end) - (g % 31) * interval '1 second'
      from generate_series(1, ${fleet}) g`);
    await h.seedHost({ id: "gone", hostname: "dup.sim.example", decommissionedAt: new Date() });
    await h.db.db.execute(sql`analyze hosts`);
  }, 120_000);
  afterAll(async () => h?.dispose());

  const at = () => {
    const now = h.ctx.clock.now();
    return { now, cutoff: staleCutoff(now, h.ctx.config.staleAfterSec) };
  };

  /** every page of the list, in order, through its cursors */
  async function walk(query: Omit<HostListQuery, "limit" | "cursor">, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listHosts(h.ctx, { ...query, limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.hosts.map((x) => x.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  /**
   * All matching hosts sorted at once, without cursors and without any index order: behind
   * `offset 0` the planner sorts the filtered rows, as it did for these sorts before migration 0009.
   */
  async function reference(filter: Omit<HostListQuery, "limit" | "sort" | "cursor">, sort: HostSort) {
    const { now, cutoff } = at();
    const matching = h.ctx.db
      .select()
      .from(hosts)
      .where(filterWhere(filter, cutoff, now))
      .offset(sql`0` as unknown as number)
      .as("hosts");
    const rows = await h.ctx.db
      .select({ id: sql<string>`${hosts.id}` })
      .from(matching)
      .orderBy(...orderBy(sort));
    return rows.map((r) => r.id);
  }

  test.each(CASES)(
    "sort=%s filter=%s: the pages list the same hosts in the same order as one sort of all",
    async (sort, filterName) => {
      const filter = FILTERS[filterName] ?? {};
      const expected = await reference(filter, sort);
      expect(expected.length).toBeGreaterThan(0);
      // a page size that ends pages inside runs of ties
      expect(await walk({ ...filter, sort }, 157), `sort=${sort} filter=${filterName}`).toEqual(expected);
    },
    60_000,
  );

  test("the indexed sorts order as documented: nulls last both ways, failing counts then hostname", async () => {
    const rows = rowsOf<{ id: string; ram: string | null; n: number; hostname: string }>(
      await h.db.db.execute(
        sql`select id, ram_bytes::text as ram, cardinality(failing) as n, hostname from hosts where decommissioned_at is null`,
      ),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const ram = (id: string) => byId.get(id)?.ram ?? null;
    for (const sort of ["ramBytes", "-ramBytes"] as const) {
      const ids = await walk({ sort }, 500);
      const firstNull = ids.findIndex((id) => ram(id) === null);
      expect(firstNull).toBeGreaterThan(0);
      expect(
        ids.slice(firstNull).every((id) => ram(id) === null),
        `${sort}: nulls last`,
      ).toBe(true);
      const values = ids.slice(0, firstNull).map((id) => BigInt(ram(id) as string));
      const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(values).toEqual(sort === "ramBytes" ? sorted : sorted.reverse());
    }
    const counts = (await walk({ sort: "failing" }, 500)).map((id) => byId.get(id)?.n ?? -1);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts)).toEqual(new Set([0, 1, 2, 3]));
    const desc = await walk({ sort: "-failing" }, 500);
    expect(desc).toEqual((await walk({ sort: "failing" }, 500)).reverse());
    // the decommissioned namesake of the `dup` hosts stays out
    expect(desc).not.toContain("gone");
  });

  // PostgreSQL's planner only (PGlite's plans differ with its settings): defined, not skipped, on it
  const onPostgres = driver.name === "postgres" ? test : () => undefined;
  onPostgres(
    "EXPLAIN: sort=ramBytes, failing and -failing walk their 0009 index without a Sort",
    async () => {
      const plan = async (query: HostListQuery) =>
        JSON.stringify(
          rowsOf(
            await h.ctx.db.execute(
              sql`explain (format json) ${hostListQuery(h.ctx, query, query.sort ?? "hostname", at())}`,
            ),
          ),
        );
      for (const [sort, index] of [
        ["ramBytes", "hosts_ram_bytes_asc_idx"],
        ["failing", "hosts_failing_count_idx"],
        ["-failing", "hosts_failing_count_idx"],
      ] as const) {
        const first = await plan({ sort, limit: 50 });
        expect(first, sort).toContain(index);
        expect(first, sort).not.toContain('"Sort"');
        // a later page: the cursor's row comparison is an index condition of the same walk
        const page = await listHosts(h.ctx, { sort, limit: 50 });
        const next = await plan({ sort, limit: 50, cursor: page.nextCursor ?? "" });
        expect(next, `${sort} after a cursor`).toContain(index);
        expect(next, `${sort} after a cursor`).not.toContain('"Sort"');
      }
    },
  );
});
