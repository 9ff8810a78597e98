/**
 * The fleet page's state: the summary and one page of the host list for the current filters.
 * Paging is the server's keyset cursor (product.md §8: 100,000 hosts): only one page of rows is
 * ever held or rendered; "previous" walks back a stack of the cursors already seen.
 */
import type { HostFacets } from "@kdumpwatch/protocol";
import type { Announcer } from "./announcer.svelte.ts";
import type { ApiClient } from "./api.ts";
import { type CountsAt, closerSince, sampleSummary } from "./chart-data.ts";
import { DEFAULT_FILTERS, type FleetFilters, type ListPosition, sameFilters } from "./filters.ts";
import type { FleetSummary, HostRow, LiveEvent } from "./schemas.ts";
import { throttle } from "./throttle.ts";

export const PAGE_SIZE = 100;
const CLOSER_LOOKS = 2;
/** how long a row whose verdict changed live stays marked */
const FLASH_MS = 4_000;
/** the readiness chart's time ranges (the API's `since`), the default first */
export const HISTORY_RANGES = ["auto", "24h", "7d", "30d", "90d"] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];
const RANGE_MS: Record<Exclude<HistoryRange, "auto">, number> = {
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  // the API reaches back 90 days; a minute less, so "now" on the server is still within it
  "90d": 90 * 86_400_000 - 60_000,
};

export class FleetStore {
  filters: FleetFilters = $state({ ...DEFAULT_FILTERS });
  summary: FleetSummary | null = $state.raw(null);
  summaryError: unknown = $state(null);
  /** readiness history from the server (transitions), oldest first */
  history: CountsAt[] = $state.raw([]);
  historyError: unknown = $state(null);
  /** readiness samples taken from every summary seen since the page opened, oldest first */
  samples: CountsAt[] = $state.raw([]);
  hosts: HostRow[] = $state.raw([]);
  nextCursor: string | null = $state(null);
  listError: unknown = $state(null);
  listLoading = $state(false);
  /** the page shown (from 1) and the keyset cursor it starts after (null on page 1) */
  position: ListPosition = $state({ page: 1, after: null });
  /** start cursors of pages seen for these filters: index k-1 is page k's */
  #starts: (string | null)[] = [null];
  /** how many hosts match the filters, and what they fail */
  facets: HostFacets | null = $state.raw(null);
  facetsError: unknown = $state(null);
  /** host ids whose verdict changed live, until when they stay marked */
  flashing: ReadonlyMap<string, number> = $state.raw(new Map());
  /** the readiness chart's span */
  range: HistoryRange = $state("auto");
  /** when the shown list was last fetched */
  loadedAt: number | null = $state(null);

  readonly #api: ApiClient;
  readonly #announcer: Announcer | null;
  #facetsAbort: AbortController | null = null;
  #listAbort: AbortController | null = null;
  #summaryAbort: AbortController | null = null;
  #historyAbort: AbortController | null = null;
  /** a burst of host events (300 hosts after one kernel update) becomes one or two list refetches */
  readonly #refetchList = throttle(() => void this.loadList(), 1_000);

  readonly #refetchFacets = throttle(() => void this.loadFacets(), 2_000);

  constructor(api: ApiClient, announcer: Announcer | null = null) {
    this.#api = api;
    this.#announcer = announcer;
  }

  get pageIndex(): number {
    return this.position.page - 1;
  }

  /** Applies filters (from the URL); new filters count again and start from the first page. */
  setFilters(filters: FleetFilters): void {
    this.setView(filters, { page: 1, after: null });
  }

  /** Applies filters and a position (both from the URL). */
  setView(filters: FleetFilters, position: ListPosition): void {
    const changed = !sameFilters(filters, this.filters);
    const moved = position.page !== this.position.page || position.after !== this.position.after;
    this.filters = filters;
    if (changed) this.#starts = [null];
    this.position = position;
    this.#starts[position.page - 1] = position.after;
    if (changed || moved || this.loadedAt === null) void this.loadList();
    if (changed || this.facets === null) void this.loadFacets();
  }

  async loadFacets(): Promise<void> {
    this.#facetsAbort?.abort();
    const abort = new AbortController();
    this.#facetsAbort = abort;
    try {
      this.facets = await this.#api.ops.hostFacets(this.filters, { signal: abort.signal });
      this.facetsError = null;
    } catch (err) {
      if (!abort.signal.aborted) this.facetsError = err;
    }
  }

  /** The position of the next page, or null on the last one. */
  nextPosition(): ListPosition | null {
    return this.nextCursor ? { page: this.position.page + 1, after: this.nextCursor } : null;
  }

  /**
   * The position of the previous page. Its cursor is known when it was walked through here; a view
   * opened from a link at page k walks forward from the first page to find it (k − 2 requests).
   */
  async previousPosition(): Promise<ListPosition> {
    const page = this.position.page - 1;
    if (page <= 1) return { page: 1, after: null };
    const known = this.#starts[page - 1];
    if (known) return { page, after: known };
    let after: string | null = null;
    for (let k = 2; k <= page; k++) {
      const list = await this.#api.hosts(this.filters, { cursor: after, limit: PAGE_SIZE });
      if (!list.nextCursor) return { page: k - 1, after };
      after = list.nextCursor;
      this.#starts[k - 1] = after;
    }
    return { page, after };
  }

  setRange(range: HistoryRange): void {
    this.range = range;
    void this.loadHistory();
  }

  applySummary(summary: FleetSummary): void {
    this.summary = summary;
    this.summaryError = null;
    this.samples = sampleSummary(this.samples, summary);
  }

  async loadSummary(): Promise<void> {
    this.#summaryAbort?.abort();
    const abort = new AbortController();
    this.#summaryAbort = abort;
    try {
      this.applySummary(await this.#api.fleetSummary({ signal: abort.signal }));
    } catch (err) {
      if (!abort.signal.aborted) this.summaryError = err;
    }
  }

  /**
   * The readiness history: the last week, or, for a younger fleet, a closer look at the part with
   * hosts, so the chart is not a week of nothing and a jump at the end. A week is 200 points of
   * ~50 min and the finest step is a minute, so two closer looks reach any fleet's start.
   */
  async loadHistory(): Promise<void> {
    this.#historyAbort?.abort();
    const abort = new AbortController();
    this.#historyAbort = abort;
    try {
      if (this.range !== "auto") {
        const since = new Date(Date.now() - RANGE_MS[this.range]).toISOString();
        this.history = (await this.#api.fleetHistory({ since }, { signal: abort.signal })).points;
        this.historyError = null;
        return;
      }
      let { points } = await this.#api.fleetHistory({}, { signal: abort.signal });
      for (let look = 0; look < CLOSER_LOOKS; look++) {
        const since = closerSince(points);
        if (since === null) break;
        ({ points } = await this.#api.fleetHistory({ since }, { signal: abort.signal }));
      }
      this.history = points;
      this.historyError = null;
    } catch (err) {
      if (!abort.signal.aborted) this.historyError = err;
    }
  }

  async loadList(): Promise<void> {
    this.#listAbort?.abort();
    const abort = new AbortController();
    this.#listAbort = abort;
    this.listLoading = true;
    try {
      const cursor = this.position.after;
      const page = await this.#api.hosts(
        this.filters,
        { cursor, limit: PAGE_SIZE },
        { signal: abort.signal },
      );
      this.hosts = page.hosts;
      this.nextCursor = page.nextCursor;
      this.listError = null;
      this.loadedAt = Date.now();
    } catch (err) {
      if (!abort.signal.aborted) this.listError = err;
    } finally {
      if (this.#listAbort === abort) this.listLoading = false;
    }
  }

  /**
   * A live event. A summary replaces the summary. A host event updates its row at once when the row
   * is shown, and refetches the page (throttled): the host may be new, or may now sort or filter
   * differently. An event this dashboard cannot read refetches everything.
   */
  onLiveEvent(event: LiveEvent | null): void {
    if (event === null) {
      this.refresh();
      return;
    }
    if (event.type === "summary") {
      this.applySummary(event.summary);
      return;
    }
    const i = this.hosts.findIndex((h) => h.id === event.host.id);
    if (event.host.decommissionedAt !== null) {
      // decommissioned (or merged into another record): out of the list at once, never announced
      if (i !== -1) this.hosts = this.hosts.filter((h) => h.id !== event.host.id);
      this.#refetchList();
      this.#refetchFacets();
      return;
    }
    const before = i === -1 ? null : this.hosts[i];
    if (i !== -1) this.hosts = this.hosts.with(i, event.host);
    // a verdict change: announced (politely) and the row marked for a moment
    const changedHere = before !== null && before !== undefined && before.verdict !== event.host.verdict;
    const justChanged = Date.now() - Date.parse(event.host.verdictSince) < 10_000;
    if (event.type === "host" && (changedHere || (before === null && justChanged))) {
      this.#announcer?.verdictChanged({
        hostname: event.host.hostname,
        from: changedHere ? (before?.verdict ?? null) : null,
        to: event.host.verdict,
      });
      this.flash(event.host.id);
    }
    this.#refetchList();
    this.#refetchFacets();
  }

  flash(id: string, now = Date.now()): void {
    const next = new Map([...this.flashing].filter(([, until]) => until > now));
    next.set(id, now + FLASH_MS);
    this.flashing = next;
  }

  /** After a reconnect, or on "try again": refetch what is shown, keeping the page. */
  refresh(): void {
    void this.loadFacets();
    void this.loadSummary();
    void this.loadHistory();
    this.#refetchList();
  }

  dispose(): void {
    this.#refetchList.cancel();
    this.#refetchFacets.cancel();
    this.#facetsAbort?.abort();
    this.#listAbort?.abort();
    this.#summaryAbort?.abort();
    this.#historyAbort?.abort();
  }
}
