import { settings, sql } from "@kdumpwatch/db";
import type {
  ApiTokenCreate,
  ApiTokenScope,
  BulkDecommission,
  DuplicateAction,
  FleetHistoryQuery,
  Hello,
  HostFilter,
  HostLabels,
  HostListQuery,
  HostSort,
  IngestFailureReason,
  SnapshotMessage,
  TokenCreate,
} from "@kdumpwatch/protocol";
import { createSession, deleteSession, verifyAdminToken, verifySession } from "./admin-auth.ts";
import { createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from "./api-tokens.ts";
import { cached, checkStatusCounts } from "./check-status.ts";
import type { ServiceContext } from "./context.ts";
import { decommissionHost, decommissionHosts } from "./decommission.ts";
import { resolveDuplicate } from "./duplicates.ts";
import { createEnrollBatcher } from "./enroll-batch.ts";
import { createEnrollLimiter } from "./enroll-limits.ts";
import { authenticateAgent } from "./enrollment.ts";
import { fleetHistory } from "./fleet-history.ts";
import { getHostLabels, patchApiLabels, replaceApiLabels, resolveHostRef } from "./host-labels.ts";
import { getHost, getHostHistory, iterateHosts, listHosts } from "./hosts.ts";
import { createIngest } from "./ingest.ts";
import {
  clearIngestFailure,
  countIngestFailing,
  isIngestFailing,
  recordIngestFailure,
} from "./ingest-state.ts";
import type { Judging } from "./judge-pool.ts";
import { runRetention } from "./retention.ts";
import { cachedSummary, fleetSummary } from "./summary.ts";
import { createToken, listTokens, revokeToken } from "./tokens.ts";

export type { ServiceContext } from "./context.ts";

export type { JudgeFn } from "./ingest.ts";
export type { Judging } from "./judge-pool.ts";

/** The settings row /readyz rewrites to prove the database commits. */
const READINESS_PROBE_KEY = "readiness.probe";

/**
 * The verbs routes and socket handlers call (house-style §4): only services touch the database.
 */
export function createServices(ctx: ServiceContext, judging: Judging) {
  const limiter = createEnrollLimiter({ perMinute: ctx.config.enrollPerMinute, clock: ctx.clock });
  const ingest = createIngest(ctx, judging);
  const batcher = createEnrollBatcher(ctx);
  return {
    hosts: {
      list: (query: HostListQuery) => listHosts(ctx, query),
      get: (id: string) => getHost(ctx, id),
      history: (id: string, limit: number) => getHostHistory(ctx, id, limit),
      iterate: (filter: HostFilter, sort?: HostSort) => iterateHosts(ctx, filter, sort),
    },
    lifecycle: {
      decommission: (hostId: string) => decommissionHost(ctx, hostId),
      decommissionMany: (input: BulkDecommission) => decommissionHosts(ctx, input),
      resolveDuplicate: (hostId: string, action: DuplicateAction) => resolveDuplicate(ctx, hostId, action),
      /** one pass of the retention job (jobs/background.ts runs it on the leader) */
      retention: () => runRetention(ctx),
    },
    labels: {
      get: (hostId: string) => getHostLabels(ctx, hostId),
      /** replaces the API-set labels (the agent's stay) */
      replace: (hostId: string, labels: HostLabels) => replaceApiLabels(ctx, hostId, labels),
      patch: (hostId: string, change: { set?: HostLabels; unset?: readonly string[] }) =>
        patchApiLabels(ctx, hostId, change),
      /** a host id, or a hostname only one host has */
      resolveHost: (ref: string) => resolveHostRef(ctx, ref),
    },
    summary: {
      get: () => fleetSummary(ctx),
      /** shared among SSE clients and metric scrapes: at most one computation per second */
      shared: cachedSummary(ctx, 1000),
      /** hosts per check and status (metrics), shared among scrapes for 5 s */
      checkStatuses: cached(() => checkStatusCounts(ctx), 5000),
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
    apiTokens: {
      create: (input: ApiTokenCreate) => createApiToken(ctx, input),
      list: () => listApiTokens(ctx),
      revoke: (id: string) => revokeApiToken(ctx, id),
      verify: (secret: string, scope: ApiTokenScope) => verifyApiToken(ctx, secret, scope),
    },
    auth: {
      verifyAdminToken: (token: string) => verifyAdminToken(ctx, token),
      createSession: (token: string) => createSession(ctx, token),
      verifySession: (id: string) => verifySession(ctx, id),
      deleteSession: (id: string) => deleteSession(ctx, id),
    },
    agents: {
      authenticate: async (hello: Hello, remoteAddress: string | null) => {
        const auth = await authenticateAgent(ctx, { hello, remoteAddress, limiter, batcher });
        if (auth.ok) ingest.forget(auth.hostId);
        return auth;
      },
      ingest: (hostId: string, message: SnapshotMessage) => ingest.ingest(hostId, message),
      /** remembered in memory, written with the next last-seen flush (services/last-seen.ts) */
      heartbeat: async (hostId: string) => ingest.heartbeat(hostId),
      /** writes the remembered last-seen times now (tests; shutdown does it through close) */
      flushLiveness: () => ingest.flush(),
      stats: () => ingest.stats,
      /** enrollment group commit: transactions tried and the enrollments they held */
      enrollStats: () => batcher.stats,
      start: () => ingest.start(),
      /** queued snapshots commit, last-seen times are written, the judge workers stop */
      close: async () => {
        await ingest.close();
        await judging.close();
      },
      recordIngestFailure: (hostId: string, reason: IngestFailureReason) =>
        recordIngestFailure(ctx, hostId, reason),
      clearIngestFailure: (hostId: string) => clearIngestFailure(ctx, hostId),
      isIngestFailing: (hostId: string) => isIngestFailing(ctx, hostId),
      countIngestFailing: () => countIngestFailing(ctx),
    },
    health: {
      /** the database answers */
      ping: async () => {
        await ctx.db.execute(sql`select 1`);
      },
      /**
       * the database commits a write (one settings row, upserted): a read alone passes on a full
       * disk or a read-only standby, where ingest cannot commit
       */
      probe: async () => {
        const row = {
          key: READINESS_PROBE_KEY,
          value: ctx.clock.now().toISOString(),
          updatedAt: ctx.clock.now(),
        };
        await ctx.db.insert(settings).values(row).onConflictDoUpdate({ target: settings.key, set: row });
      },
    },
  };
}

export type Services = ReturnType<typeof createServices>;
