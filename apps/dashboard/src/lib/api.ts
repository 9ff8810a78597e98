/**
 * The one place the dashboard talks HTTP: fetch, parse the body with its schema, map failures to a
 * small closed set of kinds the pages turn into "what to do" messages. Nothing here trusts a
 * response's shape, and nothing shows a server's exception text.
 */
import {
  type AlertFilter,
  type AlertList,
  AlertListSchema,
  type AlertOverview,
  AlertOverviewSchema,
  type AlertPage,
  AlertPageSchema,
  type AlertStateFilter,
  ApiErrorSchema,
  type BulkDecommission,
  type BulkSilenceInput,
  type BulkSilenceResult,
  BulkSilenceResultSchema,
  type ChangeFeed,
  ChangeFeedSchema,
  type DecommissionResult,
  DecommissionResultSchema,
  type DuplicateAction,
  type DuplicateResolved,
  DuplicateResolvedSchema,
  type FixGroups,
  FixGroupsSchema,
  type FixScript,
  FixScriptSchema,
  FleetHistorySchema,
  FleetSummarySchema,
  HostDetailSchema,
  type HostFacets,
  HostFacetsSchema,
  HostHistorySchema,
  type HostLabelSources,
  HostLabelSourcesSchema,
  type HostLabels,
  HostListSchema,
  type HostSummary,
  HostSummarySchema,
  type HostsAt,
  HostsAtSchema,
  SessionSchema,
  type Silence,
  type SilenceCreateInput,
  type SilenceList,
  SilenceListSchema,
  SilenceSchema,
  TokenCreatedSchema,
  TokenListSchema,
} from "@kdumpwatch/protocol";
import type * as z from "zod/mini";
import { type FleetFilters, hostsApiQuery } from "./filters.ts";
import type {
  FleetHistory,
  FleetSummary,
  HostDetail,
  HostHistory,
  HostList,
  TokenCreated,
  TokenList,
} from "./schemas.ts";

const API_ERROR_KINDS = [
  "unreachable", // no answer, or a proxy saying the server is down
  "unauthorized", // no session or a bad token
  "not_found",
  "rejected", // 4xx: the request was refused for a reason the server can name
  "server", // 5xx
  "bad_response", // the body did not match the schema
] as const;
export type ApiErrorKind = (typeof API_ERROR_KINDS)[number];

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | null;
  constructor(kind: ApiErrorKind, message: string, status: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
  }
}

/** What the person in front of the page should read (and do) for each failure. */
export function describeError(err: unknown): { title: string; detail: string } {
  const kind = err instanceof ApiError ? err.kind : "bad_response";
  switch (kind) {
    case "unreachable":
      return {
        title: "Server unreachable",
        detail:
          "The kdumpwatch server did not answer. Check that it is running; this page retries by itself.",
      };
    case "unauthorized":
      return { title: "Signed out", detail: "Your session ended. Sign in again with the admin token." };
    case "not_found":
      return { title: "Not found", detail: "It may have been removed. Go back to the fleet list." };
    case "rejected":
      return { title: "Request refused", detail: err instanceof ApiError ? err.message : "" };
    case "server":
      return {
        title: "Server error",
        detail: "The server failed to answer this request. Try again; if it persists, check the server log.",
      };
    default:
      return {
        title: "Unexpected answer",
        detail:
          "The server answered in a shape this dashboard does not understand. Are both the same version?",
      };
  }
}

/**
 * The server's message for a refused request (`{ error: { code, message, requestId } }`, the
 * protocol's one error shape), cut short; a body in any other shape gives a generic sentence.
 */
async function refusal(res: Response): Promise<{ code: string | null; message: string }> {
  try {
    const parsed = ApiErrorSchema.safeParse(await res.json());
    if (parsed.success)
      return { code: parsed.data.error.code, message: parsed.data.error.message.slice(0, 300) };
  } catch {
    // not JSON
  }
  return { code: null, message: `The server refused the request (HTTP ${res.status}).` };
}

export interface ApiClientOptions {
  fetch?: typeof fetch;
  /** called on every 401, so the session store can show the sign-in page */
  onUnauthorized?: () => void;
}

export class ApiClient {
  readonly #fetch: typeof fetch;
  readonly #onUnauthorized: () => void;

  /** the fleet-scale views: alert counts and pages, changes, facets, fixes, bulk silences */
  readonly ops: FleetOpsApi;

  constructor(options: ApiClientOptions = {}) {
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#onUnauthorized = options.onUnauthorized ?? (() => {});
    this.ops = new FleetOpsApi((schema, path, init) => this.#json(schema, path, init));
  }

  /** Sends a request and returns the raw response, mapping transport and status failures. */
  async #send(path: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await this.#fetch(path, {
        credentials: "same-origin",
        ...init,
        headers: { accept: "application/json", ...(init.headers ?? {}) },
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
      throw new ApiError("unreachable", "server unreachable");
    }
    if (res.ok) return res;
    if (res.status === 401) {
      this.#onUnauthorized();
      throw new ApiError("unauthorized", "not signed in", 401);
    }
    if (res.status === 404) throw new ApiError("not_found", "not found", 404);
    // 502/503/504 come from a proxy or a server shedding load: the server is, in effect, unreachable
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      throw new ApiError("unreachable", "server unreachable", res.status);
    }
    if (res.status >= 500) throw new ApiError("server", "server error", res.status);
    const { message } = await refusal(res);
    throw new ApiError("rejected", message, res.status);
  }

  async #json<S extends z.ZodMiniType>(schema: S, path: string, init?: RequestInit): Promise<z.infer<S>> {
    const res = await this.#send(path, init);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ApiError("bad_response", `${path}: body is not JSON`, res.status);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "invalid";
      throw new ApiError("bad_response", `${path}: ${where}`, res.status);
    }
    return parsed.data;
  }

  /** Whether this browser holds a valid session (never a 401: answers `{ authenticated }`). */
  async session(): Promise<boolean> {
    return (await this.#json(SessionSchema, "/api/session")).authenticated;
  }

  async signIn(token: string): Promise<boolean> {
    const body = JSON.stringify({ token });
    const init = { method: "POST", headers: { "content-type": "application/json" }, body };
    return (await this.#json(SessionSchema, "/api/session", init)).authenticated;
  }

  async signOut(): Promise<void> {
    await this.#send("/api/session", { method: "DELETE" });
  }

  fleetSummary(init?: RequestInit): Promise<FleetSummary> {
    return this.#json(FleetSummarySchema, "/api/fleet/summary", init);
  }

  /** Readiness over time; the server's defaults (the last 7 days, at most 200 points) when not given. */
  fleetHistory(query: { since?: string; step?: number } = {}, init?: RequestInit): Promise<FleetHistory> {
    const params = new URLSearchParams();
    if (query.since !== undefined) params.set("since", query.since);
    if (query.step !== undefined) params.set("step", String(query.step));
    const qs = params.toString();
    return this.#json(FleetHistorySchema, `/api/fleet/history${qs ? `?${qs}` : ""}`, init);
  }

  hosts(
    filters: FleetFilters,
    page: { cursor?: string | null; limit: number },
    init?: RequestInit,
  ): Promise<HostList> {
    return this.#json(HostListSchema, `/api/hosts?${hostsApiQuery(filters, page)}`, init);
  }

  host(id: string, init?: RequestInit): Promise<HostDetail> {
    return this.#json(HostDetailSchema, `/api/hosts/${encodeURIComponent(id)}`, init);
  }

  hostHistory(id: string, init?: RequestInit): Promise<HostHistory> {
    return this.#json(HostHistorySchema, `/api/hosts/${encodeURIComponent(id)}/history`, init);
  }

  /** Replaces the labels set through the API (the agent's stay); answers every set. */
  setHostLabels(id: string, labels: HostLabels): Promise<HostLabelSources> {
    return this.#json(HostLabelSourcesSchema, `/api/hosts/${encodeURIComponent(id)}/labels`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ labels }),
    });
  }

  // host lifecycle (docs/security.md "Identity and lifecycle")

  decommissionHost(id: string): Promise<HostSummary> {
    return this.#json(HostSummarySchema, `/api/hosts/${encodeURIComponent(id)}/decommission`, {
      method: "POST",
    });
  }

  /** A suspected duplicate: merge it into the host it duplicates, or reject it. */
  resolveDuplicate(id: string, action: DuplicateAction): Promise<DuplicateResolved> {
    return this.#json(DuplicateResolvedSchema, `/api/hosts/${encodeURIComponent(id)}/duplicate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action }),
    });
  }

  tokens(): Promise<TokenList> {
    return this.#json(TokenListSchema, "/api/tokens");
  }

  createToken(options: { uses: number; ttlSeconds: number; label?: string }): Promise<TokenCreated> {
    return this.#json(TokenCreatedSchema, "/api/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(options),
    });
  }

  // alerting (docs/alerting.md): alerts, silences

  /** `resolvedWithin` like "24h"; `hostId` narrows to one host. */
  alerts(query: { resolvedWithin?: string; hostId?: string }, init?: RequestInit): Promise<AlertList> {
    const qs = new URLSearchParams();
    if (query.resolvedWithin) qs.set("resolvedWithin", query.resolvedWithin);
    if (query.hostId) qs.set("hostId", query.hostId);
    return this.#json(AlertListSchema, `/api/alerts?${qs}`, init);
  }

  silences(includeExpired = false, init?: RequestInit): Promise<SilenceList> {
    return this.#json(SilenceListSchema, `/api/silences${includeExpired ? "?expired=true" : ""}`, init);
  }

  createSilence(input: SilenceCreateInput): Promise<Silence> {
    return this.#json(SilenceSchema, "/api/silences", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
  }

  endSilence(id: string): Promise<Silence> {
    return this.#json(SilenceSchema, `/api/silences/${encodeURIComponent(id)}`, { method: "DELETE" });
  }
}

/** Query parameters from an object, leaving out empty values. */
function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values))
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** The alert list filters as query values (`resolvedWithin` as the duration text, e.g. "24h"). */
export type AlertFilterQuery = Omit<AlertFilter, "resolvedWithin"> & { resolvedWithin: string };

/** The dashboard's fleet-scale views (protocol fleet-ops.ts). */
export class FleetOpsApi {
  readonly #json: <T>(schema: z.ZodMiniType<T>, path: string, init?: RequestInit) => Promise<T>;
  constructor(json: <T>(schema: z.ZodMiniType<T>, path: string, init?: RequestInit) => Promise<T>) {
    this.#json = json;
  }

  alertOverview(f: AlertFilterQuery, init?: RequestInit): Promise<AlertOverview> {
    return this.#json(AlertOverviewSchema, `/api/alerts/overview${query({ ...f })}`, init);
  }

  alertPage(
    f: AlertFilterQuery & { state: AlertStateFilter; cursor?: string | null; limit?: number },
    init?: RequestInit,
  ): Promise<AlertPage> {
    return this.#json(AlertPageSchema, `/api/alerts/page${query({ ...f })}`, init);
  }

  changes(
    q: {
      since?: string;
      until?: string;
      to?: string;
      from?: string;
      q?: string;
      kind?: string;
      cursor?: string | null;
      limit?: number;
    },
    init?: RequestInit,
  ): Promise<ChangeFeed> {
    return this.#json(ChangeFeedSchema, `/api/changes${query(q)}`, init);
  }

  hostsAt(
    q: { at: string; verdict: string; cursor?: string | null; limit?: number },
    init?: RequestInit,
  ): Promise<HostsAt> {
    return this.#json(HostsAtSchema, `/api/fleet/at${query(q)}`, init);
  }

  hostFacets(filters: FleetFilters, init?: RequestInit): Promise<HostFacets> {
    const params = hostsApiQuery(filters);
    params.delete("sort");
    const qs = params.toString();
    return this.#json(HostFacetsSchema, `/api/hosts/facets${qs ? `?${qs}` : ""}`, init);
  }

  fixes(init?: RequestInit): Promise<FixGroups> {
    return this.#json(FixGroupsSchema, "/api/fixes", init);
  }

  fixScript(
    q: { check: string; family: string; format: "sh" | "ansible" },
    init?: RequestInit,
  ): Promise<FixScript> {
    return this.#json(FixScriptSchema, `/api/fixes/script${query(q)}`, init);
  }

  /** Every host of a fix group (or the given ids) decommissioned. */
  bulkDecommission(
    input: { ids: string[] } | { group: NonNullable<BulkDecommission["group"]> },
  ): Promise<DecommissionResult> {
    return this.#json(DecommissionResultSchema, "/api/hosts/decommission", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
  }

  bulkSilence(input: BulkSilenceInput): Promise<BulkSilenceResult> {
    return this.#json(BulkSilenceResultSchema, "/api/silences/bulk", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
  }
}

/** The CSV export of exactly the current view (same filters and sort, no paging). */
export function hostsCsvUrl(filters: FleetFilters): string {
  return `/api/hosts.csv?${hostsApiQuery(filters)}`;
}
