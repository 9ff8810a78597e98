/**
 * The fleet view's filters and sort, and their two encodings: the page URL (so a view can be
 * shared) and the API query of `GET /api/hosts` / `GET /api/hosts.csv` (product.md §4). The page URL
 * and the API use the same parameter names, so a shared link and its CSV export agree.
 */
import { CHECK_IDS, VERDICTS, type Verdict } from "@kdumpwatch/core";
import { HOST_SORT_FIELDS, type HostSortField, parseLabelPair } from "@kdumpwatch/protocol";

const SORT_KEYS = HOST_SORT_FIELDS;
export type SortKey = HostSortField;
type SortDir = "asc" | "desc";

export const STALE_FILTERS = ["", "true", "false"] as const;
type StaleFilter = (typeof STALE_FILTERS)[number];

/** "verdict changed within": the API's `changed` duration */
export const CHANGED_FILTERS = ["", "24h", "7d"] as const;
type ChangedFilter = (typeof CHANGED_FILTERS)[number];

export interface FleetFilters {
  q: string;
  /** any of these verdicts; empty = all */
  verdict: Verdict[];
  check: string;
  os: string;
  kernel: string;
  stale: StaleFilter;
  /** one host label, `name=value` (the API takes several; the filter bar sets one) */
  label: string;
  changed: ChangedFilter;
  sort: SortKey;
  dir: SortDir;
}

/**
 * The default view: worst verdict first, so unready hosts are on top. The server ranks verdicts
 * best to worst (ready, at_risk, unknown, not_ready), so that is `-verdict`.
 */
export const DEFAULT_FILTERS: Readonly<FleetFilters> = Object.freeze({
  q: "",
  verdict: [],
  check: "",
  os: "",
  kernel: "",
  stale: "",
  label: "",
  changed: "",
  sort: "verdict",
  dir: "desc",
});

const MAX_TEXT = 200;

function text(params: URLSearchParams, key: string): string {
  return (params.get(key) ?? "").trim().slice(0, MAX_TEXT);
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** `not_ready,unknown` → both, in catalogue order, unknown words dropped. */
function verdictList(value: string): Verdict[] {
  const words = new Set(value.split(","));
  return VERDICTS.filter((v) => words.has(v));
}

/**
 * Reads filters from a query string. Unknown values fall back to the default, so a hand-edited or
 * outdated link still opens a sensible view instead of an error.
 * `sort=-lastSeenAt` means descending.
 */
export function filtersFromQuery(params: URLSearchParams): FleetFilters {
  const rawSort = text(params, "sort");
  const desc = rawSort.startsWith("-");
  const sort = oneOf(desc ? rawSort.slice(1) : rawSort, SORT_KEYS);
  return {
    q: text(params, "q"),
    verdict: verdictList(text(params, "verdict")),
    check: oneOf(text(params, "check"), CHECK_IDS) ?? "",
    os: text(params, "os"),
    kernel: text(params, "kernel"),
    stale: oneOf(text(params, "stale"), STALE_FILTERS) ?? "",
    label: parseLabelPair(text(params, "label")) === null ? "" : text(params, "label"),
    changed: oneOf(text(params, "changed"), CHANGED_FILTERS) ?? "",
    sort: sort ?? DEFAULT_FILTERS.sort,
    dir: sort ? (desc ? "desc" : "asc") : DEFAULT_FILTERS.dir,
  };
}

/** The query string for the page URL: only what differs from the default, in a stable order. */
export function filtersToQuery(filters: FleetFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q.trim() !== "") params.set("q", filters.q.trim());
  if (filters.verdict.length > 0) params.set("verdict", filters.verdict.join(","));
  for (const key of ["check", "os", "kernel", "stale", "changed", "label"] as const) {
    if (filters[key] !== "") params.set(key, filters[key]);
  }
  if (filters.sort !== DEFAULT_FILTERS.sort || filters.dir !== DEFAULT_FILTERS.dir) {
    params.set("sort", sortParam(filters));
  }
  return params;
}

function sortParam(filters: Pick<FleetFilters, "sort" | "dir">): string {
  return filters.dir === "desc" ? `-${filters.sort}` : filters.sort;
}

/** The API query: the page URL's parameters, the sort always explicit, plus paging. */
export function hostsApiQuery(filters: FleetFilters, page: { cursor?: string | null; limit?: number } = {}) {
  const params = filtersToQuery(filters);
  params.set("sort", sortParam(filters));
  if (page.cursor) params.set("cursor", page.cursor);
  if (page.limit !== undefined) params.set("limit", String(page.limit));
  return params;
}

/** Clicking a column header: the same column flips direction, a new column starts ascending. */
export function toggleSort(filters: FleetFilters, key: SortKey): FleetFilters {
  const dir: SortDir = filters.sort === key && filters.dir === "asc" ? "desc" : "asc";
  return { ...filters, sort: key, dir };
}

/** True when any filter narrows the list (sort alone does not). */
export function isFiltered(filters: FleetFilters): boolean {
  return (
    filters.verdict.length > 0 ||
    (["q", "check", "os", "kernel", "stale", "changed", "label"] as const).some((k) => filters[k] !== "")
  );
}

export function sameFilters(a: FleetFilters, b: FleetFilters): boolean {
  return filtersToQuery(a).toString() === filtersToQuery(b).toString();
}

/** Where in the list a view is: page k (from 1) starting after a keyset cursor (none on page 1). */
export interface ListPosition {
  page: number;
  after: string | null;
}

const MAX_PAGE = 100_000;

export function positionFromQuery(params: URLSearchParams): ListPosition {
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  const after = (params.get("after") ?? "").slice(0, 1024);
  if (!Number.isInteger(page) || page < 2 || page > MAX_PAGE || after === "") return { page: 1, after: null };
  return { page, after };
}

/** The page URL of a view at a position: the filters, then `page` and `after` past the first page. */
export function viewQuery(filters: FleetFilters, position: ListPosition): URLSearchParams {
  const params = filtersToQuery(filters);
  if (position.page > 1 && position.after) {
    params.set("page", String(position.page));
    params.set("after", position.after);
  }
  return params;
}

/** "1,234 match · page 2 of 13" */
export function pageOf(
  position: { page: number },
  total: number,
  pageSize: number,
): { page: number; pages: number } {
  return { page: position.page, pages: Math.max(1, Math.ceil(total / pageSize)) };
}
