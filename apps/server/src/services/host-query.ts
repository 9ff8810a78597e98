import { isByteCount } from "@kdumpwatch/core";
import { and, arrayContains, eq, gte, hosts, ilike, inArray, lt, or, type SQL, sql } from "@kdumpwatch/db";
import type { HostFilter, HostSort, HostSortField } from "@kdumpwatch/protocol";
import { AppError } from "../errors.ts";
import { activeHost, decommissionedHost } from "./active-hosts.ts";
import type { HostRow } from "./host-view.ts";

/**
 * Filters, sorts and keyset cursors of the host list. A cursor holds the sort key of the last row
 * of a page plus its id (the unique tiebreaker), so pages neither repeat nor skip a host whose own
 * sort key does not change while paging, however many other hosts are added, changed or removed.
 */

type ValueType = "text" | "numeric" | "int" | "timestamptz" | "boolean";
type KeyValue = string | number | boolean;

interface SortKey {
  expr: SQL;
  type: ValueType;
  nullable: boolean;
  /** true: ascending on this column means descending on `expr` */
  invert?: boolean;
  value(row: HostRow): KeyValue | null;
  /** non-null columns that break ties before the id, in the same direction */
  tiebreak?: { expr: SQL; type: ValueType; value(row: HostRow): KeyValue }[];
}

const VERDICT_RANK: Record<string, number> = { ready: 0, at_risk: 1, unknown: 2, not_ready: 3 };
const col = (c: unknown) => sql`${c}`;

const SORT_KEYS: Record<HostSortField, SortKey> = {
  hostname: { expr: col(hosts.hostname), type: "text", nullable: false, value: (r) => r.hostname },
  // best to worst, so `-verdict` lists the hosts that need attention first
  verdict: {
    expr: sql`(case ${hosts.verdict} when 'ready' then 0 when 'at_risk' then 1 when 'not_ready' then 3 else 2 end)`,
    type: "int",
    nullable: false,
    value: (r) => VERDICT_RANK[r.verdict] ?? 2,
  },
  // not stale first; among them the most recently heard from (stable while time passes)
  stale: {
    expr: col(hosts.staleClockAt),
    type: "timestamptz",
    nullable: false,
    invert: true,
    value: (r) => r.staleClockAt.toISOString(),
  },
  os: { expr: col(hosts.os), type: "text", nullable: true, value: (r) => r.os },
  kernel: { expr: col(hosts.kernel), type: "text", nullable: true, value: (r) => r.kernel },
  ramBytes: { expr: col(hosts.ramBytes), type: "numeric", nullable: true, value: (r) => r.ramBytes },
  crashkernel: { expr: col(hosts.crashkernel), type: "text", nullable: true, value: (r) => r.crashkernel },
  reservedBytes: {
    expr: col(hosts.reservedBytes),
    type: "numeric",
    nullable: true,
    value: (r) => r.reservedBytes,
  },
  lastSeenAt: {
    expr: col(hosts.lastSeenAt),
    type: "timestamptz",
    nullable: false,
    value: (r) => r.lastSeenAt.toISOString(),
  },
  verdictSince: {
    expr: col(hosts.verdictSince),
    type: "timestamptz",
    nullable: false,
    value: (r) => r.verdictSince.toISOString(),
  },
  enrolledAt: {
    expr: col(hosts.enrolledAt),
    type: "timestamptz",
    nullable: false,
    value: (r) => r.enrolledAt.toISOString(),
  },
  // how many checks fail (cardinality of '{}' is 0), then by name: walks hosts_failing_count_idx
  // (migration 0009), which holds these three expressions exactly, forwards or backwards
  failing: {
    expr: sql`cardinality(${hosts.failing})`,
    type: "int",
    nullable: false,
    value: (r) => r.failing.length,
    tiebreak: [{ expr: col(hosts.hostname), type: "text", value: (r) => r.hostname }],
  },
};

const ZERO: Record<ValueType, KeyValue> = {
  text: "",
  numeric: 0,
  int: 0,
  timestamptz: "1970-01-01T00:00:00.000Z",
  boolean: false,
};

/**
 * The same zeros as SQL literals: `coalesce(ram_bytes, '0'::numeric)` must be spelled as in the
 * expression indexes hosts_ram_bytes_desc_idx (migration 0008) and hosts_ram_bytes_asc_idx (0009)
 * for the planner to walk them; a bound parameter in its place never matches an index.
 */
const ZERO_LITERAL: Record<ValueType, SQL> = {
  text: sql.raw("''::text"),
  numeric: sql.raw("'0'::numeric"),
  int: sql.raw("0"),
  timestamptz: sql.raw("'1970-01-01T00:00:00.000Z'::timestamptz"),
  boolean: sql.raw("false"),
};

function param(value: KeyValue, type: ValueType): SQL {
  switch (type) {
    case "text":
      return sql`${String(value)}::text`;
    case "numeric":
      // byte counts: exact decimal text, never through a double
      return sql`${String(value)}::numeric`;
    case "int":
      return sql`${Number(value)}::int`;
    case "timestamptz":
      return sql`${String(value)}::timestamptz`;
    case "boolean":
      return sql`${Boolean(value)}::boolean`;
  }
}

interface Component {
  expr: SQL;
  type: ValueType;
  dir: "asc" | "desc";
  value(row: HostRow): KeyValue;
}

/** The ordered key of a sort: [nulls-last flag], value, [tie-breaking columns], id. */
function components(sort: HostSort): Component[] {
  const desc = sort.startsWith("-");
  const key = SORT_KEYS[(desc ? sort.slice(1) : sort) as HostSortField];
  const dir = desc !== Boolean(key.invert) ? "desc" : "asc";
  const out: Component[] = [];
  if (key.nullable) {
    // nulls last in both directions; coalesce so that row comparisons never meet NULL
    out.push({
      expr: sql`(${key.expr} is null)`,
      type: "boolean",
      dir: "asc",
      value: (r) => key.value(r) === null,
    });
    out.push({
      expr: sql`coalesce(${key.expr}, ${ZERO_LITERAL[key.type]})`,
      type: key.type,
      dir,
      value: (r) => key.value(r) ?? ZERO[key.type],
    });
  } else {
    out.push({ expr: key.expr, type: key.type, dir, value: (r) => key.value(r) ?? ZERO[key.type] });
  }
  for (const t of key.tiebreak ?? []) out.push({ ...t, dir });
  out.push({ expr: col(hosts.id), type: "text", dir, value: (r) => r.id });
  return out;
}

export function orderBy(sort: HostSort): SQL[] {
  return components(sort).map((c) => (c.dir === "asc" ? sql`${c.expr} asc` : sql`${c.expr} desc`));
}

/** Rows strictly after the cursor position in this sort order. */
export function afterCursor(sort: HostSort, values: KeyValue[]): SQL {
  const comps = components(sort);
  const dirs = new Set(comps.map((c) => c.dir));
  if (dirs.size === 1) {
    // one direction: a row comparison, which an index on (column, id) can serve
    const op = comps[0]?.dir === "asc" ? sql`>` : sql`<`;
    const left = sql.join(
      comps.map((c) => c.expr),
      sql`, `,
    );
    const right = sql.join(
      comps.map((c, i) => param(values[i] as KeyValue, c.type)),
      sql`, `,
    );
    return sql`(${left}) ${op} (${right})`;
  }
  const alternatives: SQL[] = comps.map((c, i) => {
    const equal = comps.slice(0, i).map((p, j) => sql`${p.expr} = ${param(values[j] as KeyValue, p.type)}`);
    const v = param(values[i] as KeyValue, c.type);
    return and(...equal, c.dir === "asc" ? sql`${c.expr} > ${v}` : sql`${c.expr} < ${v}`) as SQL;
  });
  return or(...alternatives) as SQL;
}

interface CursorBody {
  s: string;
  k: KeyValue[];
}

export function encodeCursor(sort: HostSort, row: HostRow): string {
  const body: CursorBody = { s: sort, k: components(sort).map((c) => c.value(row)) };
  return Buffer.from(JSON.stringify(body), "utf8").toString("base64url");
}

/** The key values of a cursor; bad_request when it is not one of ours or belongs to another sort. */
export function decodeCursor(sort: HostSort, cursor: string): KeyValue[] {
  const comps = components(sort);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new AppError("bad_request", "invalid cursor");
  }
  const b = body as Partial<CursorBody> | null;
  if (
    !b ||
    b.s !== sort ||
    !Array.isArray(b.k) ||
    b.k.length !== comps.length ||
    !b.k.every((v, i) => validValue(v, comps[i]?.type))
  ) {
    throw new AppError("bad_request", "invalid cursor (use it with the sort it came from)");
  }
  return b.k;
}

function validValue(v: unknown, type: ValueType | undefined): boolean {
  switch (type) {
    case "text":
      return typeof v === "string";
    case "numeric":
      return isByteCount(v);
    case "int":
      return typeof v === "number" && Number.isFinite(v);
    case "timestamptz":
      return typeof v === "string" && !Number.isNaN(Date.parse(v));
    case "boolean":
      return typeof v === "boolean";
    default:
      return false;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * True when the search can be served by the trigram index hosts_hostname_trgm_idx (migration
 * 0008): pg_trgm needs three characters to extract a trigram from `%q%`.
 */
export function trigramSearch(filter: HostFilter): boolean {
  return filter.q !== undefined && filter.q.length >= 3;
}

/**
 * The WHERE of a host filter; `cutoff` is the stale threshold (see staleCutoff), `now` the moment
 * `changed` counts back from.
 */
export function filterWhere(filter: HostFilter, cutoff: Date, now: Date = new Date()): SQL {
  // active hosts only, unless the filter asks for the decommissioned ones (services/active-hosts.ts)
  const parts: SQL[] = [filter.decommissioned === true ? decommissionedHost() : activeHost()];
  if (filter.verdict && filter.verdict.length > 0) parts.push(inArray(hosts.verdict, filter.verdict));
  if (filter.check) parts.push(arrayContains(hosts.failing, [filter.check]));
  if (filter.q) parts.push(ilike(hosts.hostname, `%${escapeLike(filter.q)}%`));
  if (filter.os !== undefined) parts.push(eq(hosts.os, filter.os));
  if (filter.kernel !== undefined) parts.push(eq(hosts.kernel, filter.kernel));
  if (filter.stale === true) parts.push(lt(hosts.staleClockAt, cutoff));
  if (filter.stale === false) parts.push(gte(hosts.staleClockAt, cutoff));
  // host labels (issue 15, labels.ts): jsonb containment, served by the GIN index hosts_labels_idx
  if (filter.label && filter.label.length > 0) {
    parts.push(sql`${hosts.labels} @> ${JSON.stringify(Object.fromEntries(filter.label))}::jsonb`);
  }
  if (filter.changed !== undefined) {
    parts.push(gte(hosts.verdictSince, new Date(now.getTime() - filter.changed)));
  }
  return and(...parts) as SQL;
}
