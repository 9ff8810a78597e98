/**
 * The Alerts page's state, all from the server (protocol fleet-ops.ts): the counts and groups of
 * the alerts matching the filters (GET /api/alerts/overview) and the list itself, loaded page by
 * page with keyset cursors as the virtual list scrolls (GET /api/alerts/page). Only the rows near
 * the viewport are in the DOM; the numbers are the server's, whatever the fleet's size.
 * Refreshed on live host events (throttled) and every 15 s (a hold can end without any event).
 */
import type {
  AlertOverview,
  AlertRow,
  AlertStateFilter,
  Silence,
  SilenceCreateInput,
} from "@kdumpwatch/protocol";
import { ALERT_STATE_FILTERS } from "@kdumpwatch/protocol";
import type { ApiClient } from "./api.ts";
import type { LiveEvent } from "./schemas.ts";
import { throttle } from "./throttle.ts";

const ALERT_PAGE = 200;
const ALERT_POLL_MS = 15_000;
export const ALERT_WINDOWS = ["1h", "24h", "7d"] as const;
const ALERT_GROUPINGS = ["none", "check", "cause"] as const;
type AlertGrouping = (typeof ALERT_GROUPINGS)[number];

export interface AlertView {
  state: AlertStateFilter;
  group: AlertGrouping;
  check: string;
  cause: string;
  q: string;
  window: (typeof ALERT_WINDOWS)[number];
}

export const DEFAULT_ALERT_VIEW: Readonly<AlertView> = Object.freeze({
  state: "open",
  group: "none",
  check: "",
  cause: "",
  q: "",
  window: "24h",
});

const pick = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;

/** The view from the page URL; unknown values fall back to the default. */
export function alertViewFromQuery(p: URLSearchParams): AlertView {
  const text = (k: string) => (p.get(k) ?? "").trim().slice(0, 200);
  return {
    state: pick(p.get("state"), ALERT_STATE_FILTERS, DEFAULT_ALERT_VIEW.state),
    group: pick(p.get("group"), ALERT_GROUPINGS, DEFAULT_ALERT_VIEW.group),
    check: text("check"),
    cause: text("cause"),
    q: text("q"),
    window: pick(p.get("window"), ALERT_WINDOWS, DEFAULT_ALERT_VIEW.window),
  };
}

/** The page URL's query: only what differs from the default, in a stable order. */
export function alertViewToQuery(v: AlertView): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of ["state", "group", "check", "cause", "q", "window"] as const) {
    if (v[k] !== DEFAULT_ALERT_VIEW[k]) p.set(k, v[k]);
  }
  return p;
}

export class AlertListStore {
  view: AlertView = $state({ ...DEFAULT_ALERT_VIEW });
  overview: AlertOverview | null = $state.raw(null);
  rows: AlertRow[] = $state.raw([]);
  total = $state(0);
  nextCursor: string | null = $state(null);
  loading = $state(false);
  error: unknown = $state(null);
  loaded = $state(false);
  silences: Silence[] = $state.raw([]);

  readonly #api: ApiClient;
  #abort: AbortController | null = null;
  #moreAbort: AbortController | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #reload = throttle(() => void this.load({ keep: true }), 2_000);

  constructor(api: ApiClient) {
    this.#api = api;
  }

  #filter() {
    const v = this.view;
    return {
      resolvedWithin: v.window,
      ...(v.check ? { check: v.check } : {}),
      ...(v.cause ? { cause: v.cause } : {}),
      ...(v.q ? { q: v.q } : {}),
    };
  }

  setView(view: AlertView): void {
    const same = alertViewToQuery(view).toString() === alertViewToQuery(this.view).toString();
    this.view = view;
    if (!same || !this.loaded) void this.load();
  }

  /**
   * Counts, groups and the first page. `keep` (a refresh) reloads as many rows as are shown, so a
   * scrolled list keeps its place.
   */
  async load(options: { keep?: boolean } = {}): Promise<void> {
    this.#abort?.abort();
    this.#moreAbort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    const limit = options.keep ? Math.min(500, Math.max(ALERT_PAGE, this.rows.length)) : ALERT_PAGE;
    const signal = abort.signal;
    // each part is shown as soon as it arrives: the rows do not wait for the counts
    const overview = this.#api.ops.alertOverview(this.#filter(), { signal }).then(
      (o) => {
        if (!signal.aborted) this.overview = o;
      },
      (err) => {
        if (!signal.aborted) this.error = err;
      },
    );
    const silences = this.#api.silences(false, { signal }).then(
      (l) => {
        if (!signal.aborted) this.silences = l.silences;
      },
      () => {},
    );
    try {
      const page = await this.#api.ops.alertPage(
        { ...this.#filter(), state: this.view.state, limit },
        { signal },
      );
      if (signal.aborted) return;
      this.rows = page.alerts;
      this.total = page.total;
      this.nextCursor = page.nextCursor;
      this.error = null;
      this.loaded = true;
    } catch (err) {
      if (!signal.aborted) this.error = err;
    } finally {
      if (this.#abort === abort) this.loading = false;
    }
    await Promise.all([overview, silences]);
  }

  /** The next page, appended (the virtual list asks when its end comes near). */
  async loadMore(): Promise<void> {
    const cursor = this.nextCursor;
    if (cursor === null || this.#moreAbort !== null) return;
    const abort = new AbortController();
    this.#moreAbort = abort;
    try {
      const page = await this.#api.ops.alertPage(
        { ...this.#filter(), state: this.view.state, cursor, limit: ALERT_PAGE },
        { signal: abort.signal },
      );
      if (abort.signal.aborted || cursor !== this.nextCursor) return;
      this.rows = [...this.rows, ...page.alerts];
      this.total = page.total;
      this.nextCursor = page.nextCursor;
    } catch (err) {
      if (!abort.signal.aborted) this.error = err;
    } finally {
      if (this.#moreAbort === abort) this.#moreAbort = null;
    }
  }

  onLiveEvent(event: LiveEvent | null): void {
    if (event !== null && event.type === "summary") return;
    this.#reload();
  }

  startPolling(): void {
    this.#timer ??= setInterval(() => void this.load({ keep: true }), ALERT_POLL_MS);
  }

  async createSilence(body: SilenceCreateInput): Promise<void> {
    await this.#api.createSilence(body);
    await this.load({ keep: true });
  }

  async endSilence(id: string): Promise<void> {
    await this.#api.endSilence(id);
    await this.load({ keep: true });
  }

  dispose(): void {
    this.#reload.cancel();
    this.#abort?.abort();
    this.#moreAbort?.abort();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
