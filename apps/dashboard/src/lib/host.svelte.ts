/** The host page's state: one host's detail and its verdict history, kept live. */
import type { ApiClient } from "./api.ts";
import type { HostDetail, HostHistory, LiveEvent } from "./schemas.ts";
import { throttle } from "./throttle.ts";

export class HostStore {
  readonly id: string;
  detail: HostDetail | null = $state.raw(null);
  history: HostHistory | null = $state.raw(null);
  error: unknown = $state(null);
  historyError: unknown = $state(null);
  loading = $state(false);
  loadedAt: number | null = $state(null);

  readonly #api: ApiClient;
  #abort: AbortController | null = null;
  readonly #reload = throttle(() => void this.load(), 1_000);

  constructor(api: ApiClient, id: string) {
    this.#api = api;
    this.id = id;
  }

  async load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    const [detail, history] = await Promise.allSettled([
      this.#api.host(this.id, { signal: abort.signal }),
      this.#api.hostHistory(this.id, { signal: abort.signal }),
    ]);
    if (abort.signal.aborted) return;
    if (detail.status === "fulfilled") {
      this.detail = detail.value;
      this.error = null;
      this.loadedAt = Date.now();
    } else {
      this.error = detail.reason;
    }
    if (history.status === "fulfilled") {
      this.history = history.value;
      this.historyError = null;
    } else {
      this.historyError = history.reason;
    }
    this.loading = false;
  }

  /**
   * A live event about this host: its row data is applied at once (verdict, last seen), and the
   * detail refetched (throttled) for the checks and evidence behind it. Events about other hosts
   * are ignored; one the dashboard cannot read may be about this host, so it refetches too.
   */
  onLiveEvent(event: LiveEvent | null): void {
    if (event !== null) {
      if (event.type === "summary" || event.host.id !== this.id) return;
      if (this.detail) this.detail = { ...this.detail, host: event.host };
    }
    this.#reload();
  }

  dispose(): void {
    this.#reload.cancel();
    this.#abort?.abort();
  }
}
