/**
 * The fleet page's state: the summary and one page of the host list for the current filters.
 * Paging is the server's keyset cursor (product.md §8: 100,000 hosts): only one page of rows is
 * ever held or rendered; "previous" walks back a stack of the cursors already seen.
 */
import type { ApiClient } from "./api.ts";
import { type CountsAt, closerSince, sampleSummary } from "./chart-data.ts";
import { DEFAULT_FILTERS, type FleetFilters, sameFilters } from "./filters.ts";
import type { FleetSummary, HostRow, LiveEvent } from "./schemas.ts";
import { throttle } from "./throttle.ts";

export const PAGE_SIZE = 100;
const CLOSER_LOOKS = 2;

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
  /** cursors of the pages before and including the current one; [null] is the first page */
  cursors: (string | null)[] = $state([null]);
  /** when the shown list was last fetched */
  loadedAt: number | null = $state(null);

  readonly #api: ApiClient;
  #listAbort: AbortController | null = null;
  #summaryAbort: AbortController | null = null;
  #historyAbort: AbortController | null = null;
  /** a burst of host events (300 hosts after one kernel update) becomes one or two list refetches */
  readonly #refetchList = throttle(() => void this.loadList(), 1_000);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  get pageIndex(): number {
    return this.cursors.length - 1;
  }

  /** Applies filters (from the URL); a change goes back to the first page. */
  setFilters(filters: FleetFilters): void {
    const changed = !sameFilters(filters, this.filters);
    this.filters = filters;
    if (changed || this.loadedAt === null) {
      this.cursors = [null];
      void this.loadList();
    }
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
      const cursor = this.cursors[this.cursors.length - 1] ?? null;
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

  nextPage(): void {
    if (!this.nextCursor) return;
    this.cursors = [...this.cursors, this.nextCursor];
    void this.loadList();
  }

  previousPage(): void {
    if (this.cursors.length <= 1) return;
    this.cursors = this.cursors.slice(0, -1);
    void this.loadList();
  }

  firstPage(): void {
    if (this.cursors.length <= 1) return;
    this.cursors = [null];
    void this.loadList();
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
    if (i !== -1) this.hosts = this.hosts.with(i, event.host);
    this.#refetchList();
  }

  /** After a reconnect, or on "try again": refetch what is shown, keeping the page. */
  refresh(): void {
    void this.loadSummary();
    void this.loadHistory();
    this.#refetchList();
  }

  dispose(): void {
    this.#refetchList.cancel();
    this.#listAbort?.abort();
    this.#summaryAbort?.abort();
    this.#historyAbort?.abort();
  }
}
