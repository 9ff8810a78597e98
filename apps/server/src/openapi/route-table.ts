/**
 * Every HTTP route of the server, described once for the OpenAPI document (`GET /api/openapi.json`)
 * with the same zod schemas the routes validate with and the dashboard parses with. A test
 * (openapi.test.ts) compares this table with the routes registered on the app: a route added
 * without a line here fails it, with the line to add in the message.
 *
 * Paths are written as hono writes them (`/api/hosts/:id`).
 */
import {
  AlertFilterSchema,
  AlertListQuerySchema,
  AlertListSchema,
  AlertOverviewSchema,
  AlertPageQuerySchema,
  AlertPageSchema,
  BulkDecommissionSchema,
  BulkSilenceResultSchema,
  BulkSilenceSchema,
  ChangeFeedQuerySchema,
  ChangeFeedSchema,
  DecommissionResultSchema,
  DuplicateResolutionSchema,
  DuplicateResolvedSchema,
  EnrollmentTokenSchema,
  FixGroupsSchema,
  FixScriptQuerySchema,
  FixScriptSchema,
  FleetHistoryQuerySchema,
  FleetHistorySchema,
  FleetSummarySchema,
  HealthSchema,
  HostDetailSchema,
  HostExportSchema,
  HostFacetsQuerySchema,
  HostFacetsSchema,
  HostFilterSchema,
  HostHistoryQuerySchema,
  HostHistorySchema,
  HostLabelSourcesSchema,
  HostLabelsUpdateSchema,
  HostListQuerySchema,
  HostListSchema,
  HostSummarySchema,
  HostsAtQuerySchema,
  HostsAtSchema,
  LiveEventSchema,
  ReadySchema,
  SessionCreateSchema,
  SessionSchema,
  SilenceCreateSchema,
  SilenceListQuerySchema,
  SilenceListSchema,
  SilenceSchema,
  TokenCreatedSchema,
  TokenCreateSchema,
  TokenListSchema,
} from "@kdumpwatch/protocol";
import type { ZodMiniType } from "zod/mini";

type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

interface ApiResponse {
  description: string;
  /** JSON body schema; absent for bodies that are not JSON (see contentType) or empty */
  schema?: ZodMiniType;
  /** default application/json */
  contentType?: string;
}

export interface ApiRoute {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: "hosts" | "fleet" | "alerts" | "tokens" | "session" | "health" | "metrics" | "agents" | "meta";
  /** admin: the admin bearer token or a dashboard session; metrics: also a metrics:read API token */
  auth: "admin" | "metrics" | "none";
  query?: ZodMiniType;
  body?: ZodMiniType;
  /** success answers; the error answers (one JSON shape) are added by the document builder */
  responses: Record<number, ApiResponse>;
}

const json = (description: string, schema: ZodMiniType): ApiResponse => ({ description, schema });
const ok = (schema: ZodMiniType, description = "OK") => ({ 200: json(description, schema) });

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "The process is up",
    tag: "health",
    auth: "none",
    responses: ok(HealthSchema),
  },
  {
    method: "get",
    path: "/readyz",
    summary: "The server can serve: the database answers and it is not shutting down (503 otherwise)",
    tag: "health",
    auth: "none",
    responses: { 200: json("ready", ReadySchema), 503: json("not ready", ReadySchema) },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics (kdumpwatch_*), text exposition format",
    tag: "metrics",
    auth: "metrics",
    responses: {
      200: { description: "Prometheus text format 0.0.4", contentType: "text/plain; version=0.0.4" },
    },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    summary: "This document (OpenAPI 3.1)",
    tag: "meta",
    auth: "none",
    responses: { 200: { description: "the OpenAPI document" } },
  },
  {
    method: "get",
    path: "/api/agent/ws",
    summary: "Agent WebSocket (protocol v1, packages/protocol wire.ts); a plain GET is answered 426",
    tag: "agents",
    auth: "none",
    responses: { 101: { description: "switched to the agent protocol" } },
  },
  {
    method: "get",
    path: "/api/session",
    summary: "Whether the dashboard session cookie is valid",
    tag: "session",
    auth: "none",
    responses: ok(SessionSchema),
  },
  {
    method: "post",
    path: "/api/session",
    summary: "Dashboard login: trade the admin token for an HttpOnly session cookie (12 h)",
    tag: "session",
    auth: "none",
    body: SessionCreateSchema,
    responses: ok(SessionSchema),
  },
  {
    method: "delete",
    path: "/api/session",
    summary: "Log out",
    tag: "session",
    auth: "none",
    responses: ok(SessionSchema),
  },
  {
    method: "get",
    path: "/api/fleet/summary",
    summary: "Hosts per verdict, stale, per failing check, per OS and kernel",
    tag: "fleet",
    auth: "admin",
    responses: ok(FleetSummarySchema),
  },
  {
    method: "get",
    path: "/api/fleet/history",
    summary: "Hosts per verdict over time, from the transitions",
    tag: "fleet",
    auth: "admin",
    query: FleetHistoryQuerySchema,
    responses: ok(FleetHistorySchema),
  },
  {
    method: "get",
    path: "/api/hosts",
    summary: "Host list, filtered, sorted and keyset-paged (`label=name=value`, repeatable)",
    tag: "hosts",
    auth: "admin",
    query: HostListQuerySchema,
    responses: ok(HostListSchema),
  },
  {
    method: "get",
    path: "/api/hosts.csv",
    summary: "Every host matching the filters as CSV (columns: packages/protocol host-export.ts)",
    tag: "hosts",
    auth: "admin",
    query: HostFilterSchema,
    responses: {
      200: { description: "CSV, header row first, formula cells neutralised", contentType: "text/csv" },
    },
  },
  {
    method: "get",
    path: "/api/hosts.json",
    summary: "Every host matching the filters as a JSON array (the CSV's columns)",
    tag: "hosts",
    auth: "admin",
    query: HostFilterSchema,
    responses: ok(HostExportSchema),
  },
  {
    method: "get",
    path: "/api/hosts/:id",
    summary: "One host: checks, facts, raw sources, agent, duplicates, labels",
    tag: "hosts",
    auth: "admin",
    responses: ok(HostDetailSchema),
  },
  {
    method: "get",
    path: "/api/hosts/:id/history",
    summary: "A host's transitions and stored snapshots, newest first",
    tag: "hosts",
    auth: "admin",
    query: HostHistoryQuerySchema,
    responses: ok(HostHistorySchema),
  },
  {
    method: "get",
    path: "/api/hosts/:id/labels",
    summary: "A host's labels: effective, from the agent, set through the API",
    tag: "hosts",
    auth: "admin",
    responses: ok(HostLabelSourcesSchema),
  },
  {
    method: "put",
    path: "/api/hosts/:id/labels",
    summary: "Replace the labels set through the API (they override the agent's)",
    tag: "hosts",
    auth: "admin",
    body: HostLabelsUpdateSchema,
    responses: ok(HostLabelSourcesSchema),
  },
  {
    method: "post",
    path: "/api/hosts/decommission",
    summary:
      "Decommission many hosts (by ids or a fix group): credentials revoked, alerts resolved, out of every list and count",
    tag: "hosts",
    auth: "admin",
    body: BulkDecommissionSchema,
    responses: ok(DecommissionResultSchema),
  },
  {
    method: "post",
    path: "/api/hosts/:id/decommission",
    summary:
      "Decommission one host: its credential is revoked, its alerts resolve, its history stays until retention",
    tag: "hosts",
    auth: "admin",
    responses: ok(HostSummarySchema),
  },
  {
    method: "post",
    path: "/api/hosts/:id/duplicate",
    summary:
      "Resolve a suspected duplicate: merge (its agent takes over the original record) or reject (decommissioned)",
    tag: "hosts",
    auth: "admin",
    body: DuplicateResolutionSchema,
    responses: ok(DuplicateResolvedSchema),
  },
  {
    method: "get",
    path: "/api/tokens",
    summary: "Enrollment tokens",
    tag: "tokens",
    auth: "admin",
    responses: ok(TokenListSchema),
  },
  {
    method: "post",
    path: "/api/tokens",
    summary: "Create an enrollment token (its secret is returned once)",
    tag: "tokens",
    auth: "admin",
    body: TokenCreateSchema,
    responses: { 201: json("created", TokenCreatedSchema) },
  },
  {
    method: "delete",
    path: "/api/tokens/:id",
    summary: "Revoke an enrollment token",
    tag: "tokens",
    auth: "admin",
    responses: ok(EnrollmentTokenSchema),
  },
  {
    method: "get",
    path: "/api/alerts",
    summary: "Open alerts, then those resolved within the window",
    tag: "alerts",
    auth: "admin",
    query: AlertListQuerySchema,
    responses: ok(AlertListSchema),
  },
  {
    method: "get",
    path: "/api/silences",
    summary: "Active silences (or every one with expired=true)",
    tag: "alerts",
    auth: "admin",
    query: SilenceListQuerySchema,
    responses: ok(SilenceListSchema),
  },
  {
    method: "post",
    path: "/api/silences",
    summary: "Create a silence (matchers: hostId, check, alert labels including host labels)",
    tag: "alerts",
    auth: "admin",
    body: SilenceCreateSchema,
    responses: { 201: json("created", SilenceSchema) },
  },
  {
    method: "delete",
    path: "/api/silences/:id",
    summary: "End a silence now",
    tag: "alerts",
    auth: "admin",
    responses: ok(SilenceSchema),
  },
  {
    method: "get",
    path: "/api/alerts/overview",
    summary: "Alert counts per state and groups by check and by root cause, over every alert",
    tag: "alerts",
    auth: "admin",
    query: AlertFilterSchema,
    responses: ok(AlertOverviewSchema),
  },
  {
    method: "get",
    path: "/api/alerts/page",
    summary: "Keyset pages of the alerts GET /api/alerts lists, each with its root cause",
    tag: "alerts",
    auth: "admin",
    query: AlertPageQuerySchema,
    responses: ok(AlertPageSchema),
  },
  {
    method: "get",
    path: "/api/changes",
    summary: "Verdict moves from the transitions, newest first, with the checks added and removed",
    tag: "fleet",
    auth: "admin",
    query: ChangeFeedQuerySchema,
    responses: ok(ChangeFeedSchema),
  },
  {
    method: "get",
    path: "/api/fleet/at",
    summary: "The hosts in a verdict at a moment (a point of the readiness chart)",
    tag: "fleet",
    auth: "admin",
    query: HostsAtQuerySchema,
    responses: ok(HostsAtSchema),
  },
  {
    method: "get",
    path: "/api/hosts/facets",
    summary: "How many hosts match a filter, their verdicts, failing checks and root causes",
    tag: "hosts",
    auth: "admin",
    query: HostFacetsQuerySchema,
    responses: ok(HostFacetsSchema),
  },
  {
    method: "get",
    path: "/api/fixes",
    summary: "Hosts grouped by the fix they need (root cause × distro family)",
    tag: "hosts",
    auth: "admin",
    responses: ok(FixGroupsSchema),
  },
  {
    method: "get",
    path: "/api/fixes/script",
    summary: "One ssh loop or Ansible play for a fix group (hostnames shell-quoted)",
    tag: "hosts",
    auth: "admin",
    query: FixScriptQuerySchema,
    responses: ok(FixScriptSchema),
  },
  {
    method: "post",
    path: "/api/silences/bulk",
    summary: "One silence per host of a list or a fix group, in one transaction",
    tag: "alerts",
    auth: "admin",
    body: BulkSilenceSchema,
    responses: { 201: json("created", BulkSilenceResultSchema) },
  },
  {
    method: "get",
    path: "/api/events",
    summary: "Server-sent live events (`event:` = type, `data:` = the event's JSON)",
    tag: "hosts",
    auth: "admin",
    responses: {
      200: {
        description: "text/event-stream of LiveEvent",
        schema: LiveEventSchema,
        contentType: "text/event-stream",
      },
    },
  },
];
