import { sql } from "@kdumpwatch/db";
import type {
  FleetHistoryQuery,
  Hello,
  HostFilter,
  HostListQuery,
  HostSort,
  SnapshotMessage,
  TokenCreate,
} from "@kdumpwatch/protocol";
import { createSession, deleteSession, verifyAdminToken, verifySession } from "./admin-auth.ts";
import type { ServiceContext } from "./context.ts";
import { authenticateAgent } from "./enrollment.ts";
import { fleetHistory } from "./fleet-history.ts";
import { getHost, getHostHistory, iterateHosts, listHosts } from "./hosts.ts";
import { ingestSnapshot, type JudgeFn, recordHeartbeat } from "./ingest.ts";
import { cachedSummary, fleetSummary } from "./summary.ts";
import { createToken, listTokens, revokeToken } from "./tokens.ts";

export type { ServiceContext } from "./context.ts";
export type { AgentAuth } from "./enrollment.ts";
export type { IngestResult, JudgeFn } from "./ingest.ts";

/**
 * The verbs routes and socket handlers call (house-style §4): only services touch the database.
 */
export function createServices(ctx: ServiceContext, judge: JudgeFn) {
  return {
    hosts: {
      list: (query: HostListQuery) => listHosts(ctx, query),
      get: (id: string) => getHost(ctx, id),
      history: (id: string, limit: number) => getHostHistory(ctx, id, limit),
      iterate: (filter: HostFilter, sort?: HostSort) => iterateHosts(ctx, filter, sort),
    },
    summary: {
      get: () => fleetSummary(ctx),
      /** shared among SSE clients and metric scrapes: at most one computation per second */
      shared: cachedSummary(ctx, 1000),
    },
    fleet: {
      /** readiness over time, from the transitions */
      history: (query: FleetHistoryQuery) => fleetHistory(ctx, query),
    },
    tokens: {
      create: (input: TokenCreate) => createToken(ctx, input),
      list: () => listTokens(ctx),
      revoke: (id: string) => revokeToken(ctx, id),
    },
    auth: {
      verifyAdminToken: (token: string) => verifyAdminToken(ctx, token),
      createSession: (token: string) => createSession(ctx, token),
      verifySession: (id: string) => verifySession(ctx, id),
      deleteSession: (id: string) => deleteSession(ctx, id),
    },
    agents: {
      authenticate: (hello: Hello, remoteAddress: string | null) =>
        authenticateAgent(ctx, hello, remoteAddress),
      ingest: (hostId: string, message: SnapshotMessage) => ingestSnapshot(ctx, judge, hostId, message),
      heartbeat: (hostId: string) => recordHeartbeat(ctx, hostId),
    },
    health: {
      /** the database answers */
      ping: async () => {
        await ctx.db.execute(sql`select 1`);
      },
    },
  };
}

export type Services = ReturnType<typeof createServices>;
