import {
  and,
  desc,
  eq,
  hostDuplicates,
  hostReports,
  hosts,
  or,
  snapshots,
  sql,
  transitions,
} from "@kdumpwatch/db";
import type {
  Duplicate,
  HostDetail,
  HostFilter,
  HostHistory,
  HostList,
  HostListQuery,
  HostSort,
  HostSummary,
} from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import type { ServiceContext } from "./context.ts";
import {
  afterCursor,
  decodeCursor,
  encodeCursor,
  filterWhere,
  orderBy,
  trigramSearch,
} from "./host-query.ts";
import { asVerdict, type HostRow, staleCutoff, toHostSummary } from "./host-view.ts";

const DEFAULT_SORT: HostSort = "hostname";

/** drizzle leaves `offset 0` out (it tests the number for truth), so the fence's zero is SQL text */
const OFFSET_ZERO = sql`0` as unknown as number;

/**
 * The page query of the host list (limit + 1 rows, to know whether a next page exists), unrun:
 * listHosts runs it, tests EXPLAIN it.
 */
export function hostListQuery(
  ctx: ServiceContext,
  query: HostListQuery,
  sort: HostSort,
  at: { now: Date; cutoff: Date },
) {
  const where = [filterWhere(query, at.cutoff, at.now)];
  if (query.cursor) where.push(afterCursor(sort, decodeCursor(sort, query.cursor)));
  const matching = ctx.db
    .select()
    .from(hosts)
    .where(and(...where));
  // A search is selective, but PostgreSQL assumes its matches are spread evenly along the sort's
  // index and walks that index with the search as a filter (at 100,000 hosts, `q=db-0` sorted by
  // hostname read 40,000 rows to find 50). Behind `offset 0` (a subquery the planner keeps apart)
  // the matches come from the trigram index and only they are sorted. The subquery is named like
  // the table so that the sort and cursor expressions, written against `hosts`, apply to it.
  const source = trigramSearch(query) ? matching.offset(OFFSET_ZERO).as("hosts") : null;
  return source
    ? ctx.db
        .select()
        .from(source)
        .orderBy(...orderBy(sort))
        .limit(query.limit + 1)
    : matching.orderBy(...orderBy(sort)).limit(query.limit + 1);
}

export async function listHosts(ctx: ServiceContext, query: HostListQuery): Promise<HostList> {
  const sort = query.sort ?? DEFAULT_SORT;
  const now = ctx.clock.now();
  const cutoff = staleCutoff(now, ctx.config.staleAfterSec);
  const rows = await hostListQuery(ctx, query, sort, { now, cutoff });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    hosts: page.map((r) => toHostSummary(r, cutoff)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(sort, last) : null,
  };
}

/** Every host matching the filter, in pages (for the CSV export). */
export async function* iterateHosts(
  ctx: ServiceContext,
  filter: HostFilter,
  sort: HostSort = DEFAULT_SORT,
): AsyncGenerator<HostSummary[]> {
  let cursor: string | undefined;
  do {
    const page = await listHosts(ctx, { ...filter, sort, limit: 500, ...(cursor ? { cursor } : {}) });
    yield page.hosts;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

async function hostRow(ctx: ServiceContext, id: string): Promise<HostRow> {
  const [row] = await ctx.db.select().from(hosts).where(eq(hosts.id, id));
  if (!row) throw new AppError("not_found", "no such host");
  return row;
}

export async function hostSummary(ctx: ServiceContext, id: string): Promise<HostSummary> {
  const row = await hostRow(ctx, id);
  return toHostSummary(row, staleCutoff(ctx.clock.now(), ctx.config.staleAfterSec));
}

export async function getHost(ctx: ServiceContext, id: string): Promise<HostDetail> {
  const row = await hostRow(ctx, id);
  const cutoff = staleCutoff(ctx.clock.now(), ctx.config.staleAfterSec);
  const [report] = await ctx.db.select().from(hostReports).where(eq(hostReports.hostId, id));
  const [snapshot] = row.latestSnapshotId
    ? await ctx.db.select().from(snapshots).where(eq(snapshots.id, row.latestSnapshotId))
    : [];
  const dups = await ctx.db
    .select()
    .from(hostDuplicates)
    .where(or(eq(hostDuplicates.originalHostId, id), eq(hostDuplicates.duplicateHostId, id)))
    .orderBy(desc(hostDuplicates.id))
    .limit(100);
  return {
    host: toHostSummary(row, cutoff),
    checks: report?.checks ?? [],
    // the API leaves the facts' shape to core (a record); a shallow copy widens HostFacts to it
    facts: report ? { ...report.facts } : null,
    sources: snapshot?.sources ?? null,
    snapshot: snapshot
      ? {
          id: snapshot.id,
          hash: snapshot.hash,
          collectedAt: snapshot.collectedAt,
          receivedAt: snapshot.receivedAt.toISOString(),
        }
      : null,
    agent: {
      version: row.agentVersion,
      remoteAddress: row.remoteAddress,
      enrolledAt: row.enrolledAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
    },
    labelSources: { labels: row.labels, agent: row.agentLabels, api: row.apiLabels },
    duplicates: dups.map(
      (d): Duplicate => ({
        id: d.id,
        kind: d.kind === "credential_mismatch" ? "credential_mismatch" : "machine_id",
        originalHostId: d.originalHostId,
        duplicateHostId: d.duplicateHostId,
        machineId: d.machineId,
        hostname: d.hostname,
        remoteAddress: d.remoteAddress,
        detectedAt: d.detectedAt.toISOString(),
      }),
    ),
  };
}

export async function getHostHistory(ctx: ServiceContext, id: string, limit: number): Promise<HostHistory> {
  await hostRow(ctx, id);
  const trs = await ctx.db
    .select()
    .from(transitions)
    .where(eq(transitions.hostId, id))
    .orderBy(desc(transitions.id))
    .limit(limit);
  const snaps = await ctx.db
    .select({
      id: snapshots.id,
      receivedAt: snapshots.receivedAt,
      collectedAt: snapshots.collectedAt,
      hash: snapshots.hash,
      verdict: snapshots.verdict,
    })
    .from(snapshots)
    .where(eq(snapshots.hostId, id))
    .orderBy(desc(snapshots.id))
    .limit(limit);
  return {
    transitions: trs.map((t) => ({
      id: t.id,
      at: t.at.toISOString(),
      from: t.fromVerdict === null ? null : asVerdict(t.fromVerdict),
      to: asVerdict(t.toVerdict),
      failing: t.failing,
    })),
    snapshots: snaps.map((s) => ({
      id: s.id,
      receivedAt: s.receivedAt.toISOString(),
      collectedAt: s.collectedAt,
      hash: s.hash,
      verdict: asVerdict(s.verdict),
    })),
  };
}
