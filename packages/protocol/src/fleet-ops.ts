/**
 * The dashboard's fleet-scale views (added after v1; only grows): the alert list with counts,
 * groups and keyset paging; the change feed and "which hosts were in this verdict then"; counts of
 * a filtered host list; fix groups with a script for each; bulk silences.
 *
 *   GET  /api/alerts/overview?resolvedWithin=&check=&cause=&q=      counts and groups
 *   GET  /api/alerts/page?…same…&state=&cursor=&limit=               one page of alerts
 *   GET  /api/changes?since=&until=&to=&from=&q=&kind=&cursor=&limit= verdict moves, newest first
 *   GET  /api/fleet/at?at=&verdict=&cursor=&limit=                   hosts in a verdict at a moment
 *   GET  /api/hosts/facets?…host filters…                            how many match, what they fail
 *   GET  /api/fixes                                                  hosts grouped by the fix they need
 *   GET  /api/fixes/script?check=&family=&format=                    one script for a group
 *   POST /api/silences/bulk                                          one silence per host
 *
 * Written with zod/mini like http.ts; timestamps ISO-8601 UTC, counts whole numbers.
 */
import { CHECK_IDS } from "@kdumpwatch/core";
import * as z from "zod/mini";
import { AlertSchema, DurationSchema, HostFilterSchema, VerdictSchema } from "./http.ts";

const iso = z.iso.datetime();
const count = z.number().check(z.int(), z.nonnegative());
const cursor = z.optional(z.string().check(z.maxLength(1024)));
const pageLimit = (max: number, dflt: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(max)), dflt);

// ---------------------------------------------------------------------------------------------
// Alerts: counts, groups, pages

/** Which alerts a page lists. `open` = firing, clearing or pending; `silenced` = open and silenced. */
export const ALERT_STATE_FILTERS = ["open", "firing", "pending", "silenced", "resolved", "all"] as const;
export type AlertStateFilter = (typeof ALERT_STATE_FILTERS)[number];

/** The filters shared by the overview and the pages (query strings). */
export const AlertFilterSchema = z.object({
  /** resolved alerts are those resolved within this window (default 24h), as for GET /api/alerts */
  resolvedWithin: z._default(DurationSchema, 86_400_000),
  /** the alert's check (a check id, or host.stale / host.duplicate-machine-id) */
  check: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /** a root-cause key as listed by the overview (`crashkernel.param`, `kexec.lockdown+kdump.enabled`) */
  cause: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  /** case-insensitive substring of the hostname */
  q: z.optional(z.string().check(z.maxLength(255))),
});
export type AlertFilter = z.infer<typeof AlertFilterSchema>;

export const ALERT_PAGE_MAX_LIMIT = 500;

export const AlertPageQuerySchema = z.extend(AlertFilterSchema, {
  state: z._default(z.enum(ALERT_STATE_FILTERS), "open"),
  cursor,
  limit: pageLimit(ALERT_PAGE_MAX_LIMIT, 200),
});
export type AlertPageQuery = z.infer<typeof AlertPageQuerySchema>;

/** An alert with its root cause: the checks that explain the host's failures (see /api/alerts/overview). */
export const AlertRowSchema = z.extend(AlertSchema, { cause: z.string() });
export type AlertRow = z.infer<typeof AlertRowSchema>;

/** Open alerts first (firing, clearing, pending), then resolved; newest first within each. */
export const AlertPageSchema = z.object({
  alerts: z.array(AlertRowSchema),
  /** alerts matching the filters and state, over all pages */
  total: count,
  nextCursor: z.nullable(z.string()),
  generatedAt: iso,
});
export type AlertPage = z.infer<typeof AlertPageSchema>;

export const AlertCountsSchema = z.object({
  firing: count,
  pending: count,
  clearing: count,
  /** open (firing, clearing or pending) and matched by an active silence */
  silenced: count,
  resolved: count,
});
export type AlertCounts = z.infer<typeof AlertCountsSchema>;

export const AlertGroupSchema = z.object({
  /** the check id, or the root-cause key */
  key: z.string(),
  /** the checks of a root-cause key (one for a check group) */
  checks: z.array(z.string()),
  open: count,
  firing: count,
  silenced: count,
  resolved: count,
  /** distinct hosts with an alert in the group (open or resolved) */
  hosts: count,
});
export type AlertGroup = z.infer<typeof AlertGroupSchema>;

/** Counts of the alerts matching the filters, in every state, and the groups, largest first. */
export const AlertOverviewSchema = z.object({
  counts: AlertCountsSchema,
  byCheck: z.array(AlertGroupSchema),
  byCause: z.array(AlertGroupSchema),
  generatedAt: iso,
});
export type AlertOverview = z.infer<typeof AlertOverviewSchema>;

// ---------------------------------------------------------------------------------------------
// Change over time

const verdictList = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s) => s.split(",").filter((p) => p !== "")),
  ),
  z.array(VerdictSchema),
);

export const CHANGE_KINDS = ["verdict", "all"] as const;

export const ChangeFeedQuerySchema = z.object({
  /** from (default: 7 days ago) */
  since: z.optional(z.iso.datetime({ offset: true })),
  /** to (default: now) */
  until: z.optional(z.iso.datetime({ offset: true })),
  /** the verdict(s) hosts moved to */
  to: z.optional(verdictList),
  /** the verdict(s) hosts moved from */
  from: z.optional(verdictList),
  q: z.optional(z.string().check(z.maxLength(255))),
  /** `verdict` (default): verdict moves and first reports; `all`: also failing-set changes */
  kind: z._default(z.enum(CHANGE_KINDS), "verdict"),
  cursor,
  limit: pageLimit(500, 100),
});
export type ChangeFeedQuery = z.infer<typeof ChangeFeedQuerySchema>;

export const ChangeSchema = z.object({
  id: z.number(),
  hostId: z.string(),
  hostname: z.string(),
  at: iso,
  /** null on a host's first judgement */
  from: z.nullable(VerdictSchema),
  to: VerdictSchema,
  failing: z.array(z.string()),
  /** checks failing now that did not before: why it got worse */
  added: z.array(z.string()),
  /** checks that stopped failing: why it got better */
  removed: z.array(z.string()),
});
export type Change = z.infer<typeof ChangeSchema>;

/** Newest first. */
export const ChangeFeedSchema = z.object({
  changes: z.array(ChangeSchema),
  total: count,
  /** moves to a worse verdict (ready → at_risk → unknown → not_ready), to a better one, first reports */
  worse: count,
  better: count,
  first: count,
  nextCursor: z.nullable(z.string()),
});
export type ChangeFeed = z.infer<typeof ChangeFeedSchema>;

export const HostsAtQuerySchema = z.object({
  at: z.iso.datetime({ offset: true }),
  verdict: VerdictSchema,
  cursor,
  limit: pageLimit(500, 100),
});
export type HostsAtQuery = z.infer<typeof HostsAtQuerySchema>;

/** Non-duplicate hosts whose latest transition at or before `at` put them in `verdict` (by hostname). */
export const HostsAtSchema = z.object({
  at: iso,
  verdict: VerdictSchema,
  total: count,
  hosts: z.array(
    z.object({
      id: z.string(),
      hostname: z.string(),
      /** failing checks then */
      failing: z.array(z.string()),
      /** since when it was in that verdict (the transition's time) */
      since: iso,
      /** its verdict now */
      now: VerdictSchema,
    }),
  ),
  nextCursor: z.nullable(z.string()),
});
export type HostsAt = z.infer<typeof HostsAtSchema>;

// ---------------------------------------------------------------------------------------------
// Facets of a filtered host list

export const HostFacetsQuerySchema = HostFilterSchema;

export const HostFacetsSchema = z.object({
  /** hosts matching the filters */
  total: count,
  verdicts: z.record(VerdictSchema, count),
  /** matching hosts failing each check, most common first */
  failingChecks: z.array(z.object({ check: z.string(), hosts: count })),
  /** matching hosts for which the check is a root cause (failing, not explained by another failure) */
  rootCauses: z.array(z.object({ check: z.string(), hosts: count })),
});
export type HostFacets = z.infer<typeof HostFacetsSchema>;

// ---------------------------------------------------------------------------------------------
// Fix groups

export const DISTRO_FAMILIES = ["debian", "el", "suse", "unknown"] as const;
export type DistroFamilyName = (typeof DISTRO_FAMILIES)[number];

export const FixGroupSchema = z.object({
  /** the root-cause check the fix addresses */
  check: z.string(),
  family: z.enum(DISTRO_FAMILIES),
  hosts: count,
  notReady: count,
  /** a script can be generated for this group (else the steps are per host) */
  scripted: z.boolean(),
  /** the fix needs a reboot to take effect */
  reboot: z.boolean(),
  title: z.string(),
});
export type FixGroup = z.infer<typeof FixGroupSchema>;

export const FixGroupsSchema = z.object({ groups: z.array(FixGroupSchema), generatedAt: iso });
export type FixGroups = z.infer<typeof FixGroupsSchema>;

export const FIX_SCRIPT_FORMATS = ["sh", "ansible"] as const;

export const FixScriptQuerySchema = z.object({
  check: z.enum(CHECK_IDS),
  family: z.enum(DISTRO_FAMILIES),
  format: z._default(z.enum(FIX_SCRIPT_FORMATS), "sh"),
});
export type FixScriptQuery = z.infer<typeof FixScriptQuerySchema>;

export const FixScriptSchema = z.object({
  check: z.string(),
  family: z.enum(DISTRO_FAMILIES),
  format: z.enum(FIX_SCRIPT_FORMATS),
  /** the script, or null when the fix cannot be scripted safely for a whole group */
  script: z.nullable(z.string()),
  /** what the script does, step by step (the manual steps when it is null) */
  steps: z.array(z.string()),
  reboot: z.boolean(),
  /** every host of the group */
  hosts: z.array(z.object({ id: z.string(), hostname: z.string() })),
  /** hosts left out of the script, and why (a hostname a shell or inventory cannot take safely) */
  excluded: z.array(z.object({ id: z.string(), hostname: z.string(), reason: z.string() })),
});
export type FixScript = z.infer<typeof FixScriptSchema>;

// ---------------------------------------------------------------------------------------------
// Bulk silence

export const BULK_SILENCE_MAX_HOSTS = 1000;

/** One silence per host (optionally only the alerts of one check): by ids, or a whole fix group. */
export const BulkSilenceSchema = z
  .object({
    hostIds: z.optional(
      z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(BULK_SILENCE_MAX_HOSTS)),
    ),
    group: z.optional(z.object({ check: z.enum(CHECK_IDS), family: z.enum(DISTRO_FAMILIES) })),
    /** only this check's alerts on those hosts; every alert of the hosts when absent */
    check: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
    createdBy: z.optional(z.string().check(z.maxLength(100))),
    duration: DurationSchema,
  })
  .check(
    z.refine((b) => (b.hostIds === undefined) !== (b.group === undefined), {
      error: "give exactly one of hostIds and group",
    }),
  );
export type BulkSilence = z.infer<typeof BulkSilenceSchema>;
export type BulkSilenceInput = z.input<typeof BulkSilenceSchema>;

export const BulkSilenceResultSchema = z.object({
  /** silences created, one per host */
  created: count,
  expiresAt: iso,
  /** ids given that are not hosts (nothing created for them) */
  unknownHostIds: z.array(z.string()),
});
export type BulkSilenceResult = z.infer<typeof BulkSilenceResultSchema>;
