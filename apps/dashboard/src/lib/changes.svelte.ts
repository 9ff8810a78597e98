/**
 * The Changes page's state: the fleet-wide change feed (GET /api/changes: which hosts moved
 * between verdicts, when, and why) or, for a point of the readiness chart, the hosts that were in
 * a verdict at that moment (GET /api/fleet/at). Both keyset paged; the view lives in the URL.
 */
import { VERDICTS, type Verdict } from "@kdumpwatch/core";
import type { Change, ChangeFeed, HostsAt } from "@kdumpwatch/protocol";
import type { ApiClient } from "./api.ts";

export const CHANGE_WINDOWS = ["24h", "7d", "30d"] as const;
type ChangeWindow = (typeof CHANGE_WINDOWS)[number];
const WINDOW_MS: Record<ChangeWindow, number> = {
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

export interface ChangesView {
  within: ChangeWindow;
  to: Verdict | "";
  q: string;
  /** also failing-set changes that moved no verdict */
  all: boolean;
  /** a moment of the chart: list the hosts in `verdict` then */
  at: string | null;
  verdict: Verdict;
}

export function changesViewFromQuery(p: URLSearchParams): ChangesView {
  const within = p.get("within");
  const to = p.get("to") ?? "";
  const verdict = p.get("verdict") ?? "";
  const at = p.get("at");
  return {
    within: (CHANGE_WINDOWS as readonly string[]).includes(within ?? "") ? (within as ChangeWindow) : "24h",
    to: (VERDICTS as readonly string[]).includes(to) ? (to as Verdict) : "",
    q: (p.get("q") ?? "").slice(0, 200),
    all: p.get("kind") === "all",
    at: at !== null && !Number.isNaN(Date.parse(at)) ? new Date(at).toISOString() : null,
    verdict: (VERDICTS as readonly string[]).includes(verdict) ? (verdict as Verdict) : "not_ready",
  };
}

export function changesViewToQuery(v: ChangesView): URLSearchParams {
  const p = new URLSearchParams();
  if (v.at !== null) {
    p.set("at", v.at);
    p.set("verdict", v.verdict);
    return p;
  }
  if (v.within !== "24h") p.set("within", v.within);
  if (v.to) p.set("to", v.to);
  if (v.q) p.set("q", v.q);
  if (v.all) p.set("kind", "all");
  return p;
}

export class ChangesStore {
  view: ChangesView | null = $state(null);
  feed: Omit<ChangeFeed, "changes"> | null = $state.raw(null);
  changes: Change[] = $state.raw([]);
  at: Omit<HostsAt, "hosts"> | null = $state.raw(null);
  hosts: HostsAt["hosts"] = $state.raw([]);
  nextCursor: string | null = $state(null);
  error: unknown = $state(null);
  loading = $state(false);

  readonly #api: ApiClient;
  #abort: AbortController | null = null;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  setView(view: ChangesView): void {
    this.view = view;
    void this.load(null);
  }

  async load(cursor: string | null): Promise<void> {
    const v = this.view;
    if (v === null) return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    try {
      if (v.at !== null) {
        const page = await this.#api.ops.hostsAt(
          { at: v.at, verdict: v.verdict, cursor, limit: 100 },
          { signal: abort.signal },
        );
        const { hosts, ...rest } = page;
        this.at = rest;
        this.hosts = cursor === null ? hosts : [...this.hosts, ...hosts];
        this.nextCursor = page.nextCursor;
      } else {
        const since = new Date(Date.now() - WINDOW_MS[v.within]).toISOString();
        const page = await this.#api.ops.changes(
          { since, to: v.to, q: v.q, kind: v.all ? "all" : "verdict", cursor, limit: 100 },
          { signal: abort.signal },
        );
        const { changes, ...rest } = page;
        this.feed = rest;
        this.changes = cursor === null ? changes : [...this.changes, ...changes];
        this.nextCursor = page.nextCursor;
      }
      this.error = null;
    } catch (err) {
      if (!abort.signal.aborted) this.error = err;
    } finally {
      if (this.#abort === abort) this.loading = false;
    }
  }

  loadMore(): void {
    if (this.nextCursor) void this.load(this.nextCursor);
  }

  dispose(): void {
    this.#abort?.abort();
  }
}
