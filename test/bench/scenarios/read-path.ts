/**
 * Read path at 100,000 hosts: the fleet is seeded directly into the database (lib/seed-hosts.ts),
 * then the real server answers the dashboard's requests one after another, as a browser would:
 * the fleet summary, filtered and sorted host pages (first page and a cursor page), host detail and
 * history. p50/p95/p99 as the HTTP client sees them, on the same machine.
 */
import { mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { hosts, openDatabase, sql } from "@kdumpwatch/db";
import { HostListSchema } from "@kdumpwatch/protocol";
import { BENCH_DATABASE, databaseUrl, recreateDatabase } from "../lib/database.ts";
import { type Latency, measureGet } from "../lib/http-timing.ts";
import type { UsageWindow } from "../lib/process-stats.ts";
import { seedHosts } from "../lib/seed-hosts.ts";
import { BENCH_ADMIN_TOKEN, BenchServer, REPO } from "../lib/server-process.ts";
import type { Driver } from "./connect-storm.ts";
import type { BenchContext } from "./context.ts";

export interface ReadPathResult {
  driver: Driver;
  hosts: number;
  seedSeconds: number;
  requestsEach: number;
  summary: Latency;
  /** the target's "filtered and sorted host page" */
  hostPage: Latency;
  hostPageQuery: string;
  otherPages: Record<string, Latency>;
  hostDetail: Latency;
  hostHistory: Latency;
  csvExport: { seconds: number; bytes: number } | null;
  server: UsageWindow;
  databaseSize: string | null;
}

const HOST_PAGE = "/api/hosts?verdict=not_ready,at_risk&sort=-lastSeenAt&limit=50";

export async function readPath(
  ctx: BenchContext,
  driver: Driver,
  options: { requests?: number; reuse?: boolean } = {},
): Promise<ReadPathResult> {
  const requests = options.requests ?? 200;
  const capturesDir = resolve(REPO, "test/captures");
  const name = `${BENCH_DATABASE}_read`;
  // --reuse-read: the PostgreSQL fleet seeded by an earlier run (kept with --keep) is measured again
  const reuse = driver === "postgres" && options.reuse === true;
  const url = driver === "postgres" ? (reuse ? databaseUrl(name) : await recreateDatabase(name)) : undefined;
  const dataDir = driver === "pglite" ? mkdtempSync(join(ctx.workDir, "pglite-read-")) : undefined;
  ctx.log(`read/${driver}: seeding ${ctx.readHosts} hosts`);
  const handle = await openDatabase(url ? { url } : { dataDir });
  let seeded: Awaited<ReturnType<typeof seedHosts>>;
  let databaseSize: string | null = null;
  try {
    const existing = reuse ? await handle.db.select({ id: hosts.id }).from(hosts) : [];
    seeded =
      existing.length >= ctx.readHosts
        ? { hosts: existing.length, seconds: 0, ids: existing.map((r) => r.id) }
        : await seedHosts(handle.db, {
            count: ctx.readHosts,
            capturesDir,
            log: (l) => ctx.log(`read/${driver}: ${l}`),
          });
    const size = (await handle.db.execute(
      sql`select pg_size_pretty(pg_database_size(current_database())) as size`,
    )) as unknown;
    const rows = (Array.isArray(size) ? size : (size as { rows: unknown[] }).rows) as { size: string }[];
    databaseSize = rows[0]?.size ?? null;
  } finally {
    await handle.close();
  }
  ctx.log(
    `read/${driver}: ${seeded.seconds > 0 ? `seeded in ${seeded.seconds} s` : "reused"} (${databaseSize}); starting the server`,
  );
  const server = await BenchServer.start({
    port: ctx.port,
    ...(url ? { databaseUrl: url } : {}),
    ...(dataDir ? { dataDir } : {}),
    logFile: join(ctx.workDir, `server-read-${driver}.log`),
  });
  try {
    const base = server.url;
    const opts = { requests, warmup: 10 };
    const ids = seeded.ids;
    const pick = (i: number) => ids[(i * 7919) % ids.length] ?? "";
    ctx.log(`read/${driver}: measuring`);
    const summary = await measureGet(base, BENCH_ADMIN_TOKEN, "/api/fleet/summary", opts);
    const hostPage = await measureGet(base, BENCH_ADMIN_TOKEN, HOST_PAGE, opts);
    const first = HostListSchema.parse(await server.get("/api/hosts?sort=hostname&limit=50"));
    const cursor = encodeURIComponent(first.nextCursor ?? "");
    const otherPages: Record<string, Latency> = {};
    for (const path of [
      "/api/hosts?sort=hostname&limit=50",
      `/api/hosts?sort=hostname&limit=50&cursor=${cursor}`,
      "/api/hosts?check=kdump.loaded&sort=-verdictSince&limit=50",
      "/api/hosts?q=db-0&sort=hostname&limit=50",
      "/api/hosts?stale=true&sort=-verdict&limit=50",
      "/api/hosts?verdict=ready&sort=-ramBytes&limit=500",
    ]) {
      otherPages[path.replace(/cursor=[^&]+/, "cursor=…")] = await measureGet(base, BENCH_ADMIN_TOKEN, path, {
        requests: Math.ceil(requests / 2),
        warmup: 5,
      });
    }
    const hostDetail = await measureGet(base, BENCH_ADMIN_TOKEN, (i) => `/api/hosts/${pick(i)}`, opts);
    const hostHistory = await measureGet(
      base,
      BENCH_ADMIN_TOKEN,
      (i) => `/api/hosts/${pick(i)}/history`,
      opts,
    );
    let csvExport: ReadPathResult["csvExport"] = null;
    try {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/hosts.csv`, {
        headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
      });
      const body = await res.arrayBuffer();
      if (res.ok)
        csvExport = { seconds: Number(((performance.now() - t0) / 1000).toFixed(2)), bytes: body.byteLength };
    } catch {
      csvExport = null;
    }
    return {
      driver,
      hosts: seeded.hosts,
      seedSeconds: seeded.seconds,
      requestsEach: requests,
      summary,
      hostPage,
      hostPageQuery: HOST_PAGE,
      otherPages,
      hostDetail,
      hostHistory,
      csvExport,
      server: server.sampler.read(),
      databaseSize,
    };
  } finally {
    await server.stop();
  }
}
