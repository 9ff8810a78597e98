/**
 * Alerts and silences as the dashboard shows them (docs/alerting.md), kept fresh: refetched when a
 * host changes (live events, throttled) and every 15 s (a hold can end without any host event).
 */
import type { Alert, Silence, SilenceCreateInput } from "@kdumpwatch/protocol";
import type { ApiClient } from "./api.ts";
import type { LiveEvent } from "./schemas.ts";
import { throttle } from "./throttle.ts";

const ALERT_POLL_MS = 15_000;

export class AlertsStore {
  alerts: Alert[] = $state.raw([]);
  truncated = $state(false);
  silences: Silence[] = $state.raw([]);
  error: unknown = $state(null);
  loaded = $state(false);
  /** the resolved-within window, e.g. "24h" */
  window: string = $state("24h");

  readonly #api: ApiClient;
  readonly #hostId: string | null;
  readonly #withSilences: boolean;
  #abort: AbortController | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #reload = throttle(() => void this.load(), 2_000);

  constructor(api: ApiClient, options: { hostId?: string; window?: string; silences?: boolean } = {}) {
    this.#api = api;
    this.#hostId = options.hostId ?? null;
    this.#withSilences = options.silences ?? true;
    if (options.window) this.window = options.window;
  }

  async load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const query =
      this.#hostId === null
        ? { resolvedWithin: this.window }
        : { resolvedWithin: this.window, hostId: this.#hostId };
    const [alerts, silences] = await Promise.allSettled([
      this.#api.alerts(query, { signal: abort.signal }),
      this.#withSilences ? this.#api.silences(false, { signal: abort.signal }) : Promise.resolve(null),
    ]);
    if (abort.signal.aborted) return;
    if (alerts.status === "fulfilled") {
      this.alerts = alerts.value.alerts;
      this.truncated = alerts.value.truncated;
      this.error = null;
      this.loaded = true;
    } else {
      this.error = alerts.reason;
    }
    if (silences.status === "fulfilled" && silences.value !== null) this.silences = silences.value.silences;
  }

  setWindow(window: string): void {
    this.window = window;
    void this.load();
  }

  /** Refetch soon when a host changed (any host for the list, this host for the host panel). */
  onLiveEvent(event: LiveEvent | null): void {
    if (event !== null && event.type === "summary") return;
    if (event !== null && this.#hostId !== null && event.host.id !== this.#hostId) return;
    this.#reload();
  }

  startPolling(): void {
    this.#timer ??= setInterval(() => void this.load(), ALERT_POLL_MS);
  }

  async createSilence(body: SilenceCreateInput): Promise<Silence> {
    const created = await this.#api.createSilence(body);
    await this.load();
    return created;
  }

  async endSilence(id: string): Promise<void> {
    await this.#api.endSilence(id);
    await this.load();
  }

  dispose(): void {
    this.#reload.cancel();
    this.#abort?.abort();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
