/**
 * The verbs of the dashboard's fleet-scale views (protocol fleet-ops.ts): alert counts, groups and
 * pages, the change feed, host facets, fix groups and scripts, bulk silences. Kept apart from
 * index.ts's core verbs; only services touch the database (house-style §4).
 */
import type {
  AlertFilter,
  AlertPageQuery,
  BulkSilence,
  ChangeFeedQuery,
  FixScriptQuery,
  HostFilter,
  HostsAtQuery,
} from "@kdumpwatch/protocol";
import { alertOverview, alertPage } from "./alert-listing.ts";
import { bulkSilence } from "./bulk-silence.ts";
import { changeFeed, hostsAt } from "./change-feed.ts";
import type { ServiceContext } from "./context.ts";
import { fixGroups, fixScript } from "./fix-groups.ts";
import { hostFacets } from "./host-facets.ts";

export function createFleetOpsServices(ctx: ServiceContext) {
  const base = { db: ctx.db, clock: ctx.clock };
  return {
    alerts: {
      overview: (filter: AlertFilter) => alertOverview(base, filter),
      page: (query: AlertPageQuery) => alertPage(base, query),
    },
    changes: {
      feed: (query: ChangeFeedQuery) => changeFeed(base, query),
      hostsAt: (query: HostsAtQuery) => hostsAt(base, query),
    },
    hosts: {
      facets: (filter: HostFilter) =>
        hostFacets({ ...base, staleAfterSec: ctx.config.staleAfterSec }, filter),
    },
    fixes: {
      groups: () => fixGroups(base),
      script: (query: FixScriptQuery) => fixScript(base, query),
    },
    silences: {
      bulk: (input: BulkSilence) => bulkSilence({ ...base, maxSilenceMs: ctx.config.maxSilenceMs }, input),
    },
  };
}

export type FleetOpsServices = ReturnType<typeof createFleetOpsServices>;
