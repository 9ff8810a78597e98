import { and, hosts, sql } from "@kdumpwatch/db";
import type { HostListQuery, HostSort, HostSummary } from "@kdumpwatch/protocol";
import { createHarness, type Harness, testDrivers } from "@kdumpwatch/testkit/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { activeHost } from "./active-hosts.ts";
import { orderBy, trigramSearch } from "./host-query.ts";
import { staleCutoff } from "./host-view.ts";
import { hostListQuery, listHosts } from "./hosts.ts";

/**
 * The host search through the trigram index (migration 0008) answers what the plain scan
 * answered: the same hosts in the same order, page after page, for searches with LIKE's special
 * characters too; and on PostgreSQL the planner takes the new indexes for the requests they are for.
 */

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** hostnames a search has to treat literally: LIKE's `%`, `_` and `\`, and upper case */
const ODD_HOSTNAMES = [
  "db%50.lab",
  "db_50.lab",
  "dbx50.lab",
  "back\\slash-db-01",
  "Upper-DB-07",
  "web-prod_1",
];

const SEARCHES = [
  "db-0",
  "DB-00",
  "db-01234",
  "web",
  "sim.example",
  "prod_",
  "db%5",
  "db_5",
  "k\\s",
  "%",
  "_",
  "\\",
  "db",
  "no-such-host",
];
const SORTS: HostSort[] = ["hostname", "-ramBytes", "-verdict", "stale", "-failing"];

describe.each(testDrivers())("host search on $name", (driver) => {
  let h: Harness;
  // enough hosts on PostgreSQL for its planner to prefer an index to a scan
  const fleet = driver.name === "postgres" ? 20_000 : 3_000;
  beforeAll(async () => {
    h = await createHarness(driver);
    // times of millisecond precision, as the server writes them (a cursor holds a JS Date)
    const at = h.clock.now().toISOString();
    await h.db.db.execute(sql`insert into hosts (id, machine_id, hostname, verdict, failing, ram_bytes,
        enrolled_at, last_seen_at, verdict_since, stale_clock_at)
      select 'h' || g, 'm' || g,
        (array['web','app','db','k8s','cache'])[1 + g % 5] || '-' || lpad(g::text, 5, '0') || '.sim.example',
        (array['ready','ready','at_risk','not_ready','unknown'])[1 + (g / 5) % 5],
        case g % 7 when 0 then array['kdump.loaded'] else '{}'::text[] end,
        case when g % 11 = 0 then null else (g % 97)::numeric * 1073741824 end,
        ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz - (g % 13) * interval '1 minute'
      from generate_series(1, ${fleet}) g`);
    for (const [i, name] of ODD_HOSTNAMES.entries()) {
      await h.seedHost({ id: `odd${i}`, hostname: name, ramBytes: (i + 1) * 2 ** 30 });
    }
    await h.seedHost({ id: "gone", hostname: "db-00001-decommissioned", decommissionedAt: new Date() });
    await h.db.db.execute(sql`analyze hosts`);
  }, 120_000);
  afterAll(async () => h?.dispose());

  /** every page of the list, in order, through its cursors */
  async function walk(query: Omit<HostListQuery, "limit" | "cursor">): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listHosts(h.ctx, { ...query, limit: 500, ...(cursor ? { cursor } : {}) });
      ids.push(...page.hosts.map((x) => x.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  /** The same search without LIKE and without any index: a substring of the lower-cased hostname. */
  async function reference(q: string, sort: HostSort): Promise<string[]> {
    const rows = await h.ctx.db
      .select({ id: hosts.id })
      .from(hosts)
      .where(and(activeHost(), sql`strpos(lower(${hosts.hostname}), lower(${q})) > 0`))
      .orderBy(...orderBy(sort));
    return rows.map((r) => r.id);
  }

  test.each(SEARCHES.flatMap((q) => SORTS.map((sort) => [q, sort] as const)))(
    "q=%s sort=%s: the same hosts in the same order as a plain scan",
    async (q, sort) => {
      const expected = await reference(q, sort);
      expect(await walk({ q, sort }), `q=${q} sort=${sort}`).toEqual(expected);
    },
    60_000,
  );

  test("the searches match what a substring test in JS says (LIKE's special characters are literal)", async () => {
    const all = await h.ctx.db
      .select({ id: hosts.id, hostname: hosts.hostname })
      .from(hosts)
      .where(activeHost());
    for (const q of SEARCHES) {
      const expected = all
        .filter((r) => r.hostname.toLowerCase().includes(q.toLowerCase()))
        .map((r) => r.id)
        .sort();
      expect((await walk({ q, sort: "hostname" })).sort(), q).toEqual(expected);
    }
    // the odd names are found by their odd characters only
    expect(await walk({ q: "db%5", sort: "hostname" })).toEqual(["odd0"]);
    expect(await walk({ q: "db_5", sort: "hostname" })).toEqual(["odd1"]);
    expect(await walk({ q: "k\\s", sort: "hostname" })).toEqual(["odd3"]);
  });

  test("a searched host reads back exactly as the unsearched list shows it (types through the subquery)", async () => {
    const searched = await listHosts(h.ctx, { q: "db-0123", sort: "hostname", limit: 500 });
    expect(searched.hosts.length).toBeGreaterThan(0);
    const ids = new Set(searched.hosts.map((x) => x.id));
    const all: HostSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await listHosts(h.ctx, { sort: "hostname", limit: 500, ...(cursor ? { cursor } : {}) });
      all.push(...page.hosts);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(searched.hosts).toEqual(all.filter((x) => ids.has(x.id)));
    const odd = await listHosts(h.ctx, { q: "prod_", sort: "hostname", limit: 10 });
    expect(odd.hosts.map((x) => [x.id, x.ramBytes])).toEqual([["odd5", 6 * 2 ** 30]]);
  });

  test("searches of three characters or more go through the trigram index path, shorter ones do not", () => {
    expect(trigramSearch({ q: "db-0" })).toBe(true);
    expect(trigramSearch({ q: "abc" })).toBe(true);
    expect(trigramSearch({ q: "db" })).toBe(false);
    expect(trigramSearch({})).toBe(false);
  });

  // PostgreSQL's planner only (PGlite's plans differ with its settings): defined, not skipped, on it
  const onPostgres = driver.name === "postgres" ? test : () => undefined;
  onPostgres("EXPLAIN: the search reads the trigram index, sort=-ramBytes walks its index", async () => {
    const now = h.ctx.clock.now();
    const at = { now, cutoff: staleCutoff(now, h.ctx.config.staleAfterSec) };
    const plan = async (query: HostListQuery) =>
      JSON.stringify(
        rowsOf(
          await h.ctx.db.execute(
            sql`explain (format json) ${hostListQuery(h.ctx, query, query.sort ?? "hostname", at)}`,
          ),
        ),
      );
    // selective searches (one host in 1,000 or fewer; at 20,000 hosts a scan reads one in 100
    // faster). That the planner no longer walks hosts_hostname_idx for them shows only at 100,000
    // hosts: BENCHMARKS.md "Read path: indexes (feat/readpath)".
    expect(await plan({ q: "db-0123", sort: "hostname", limit: 50 })).toContain("hosts_hostname_trgm_idx");
    expect(await plan({ q: "k8s-0042", sort: "-lastSeenAt", limit: 50 })).toContain(
      "hosts_hostname_trgm_idx",
    );
    const ram = await plan({ verdict: ["ready"], sort: "-ramBytes", limit: 500 });
    expect(ram).toContain("hosts_ram_bytes_desc_idx");
    expect(ram).not.toContain('"Sort"');
  });
});
