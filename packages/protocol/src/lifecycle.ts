/**
 * Host lifecycle (added after v1; only grows; docs/security.md "Identity and lifecycle"):
 *
 *   POST /api/hosts/:id/decommission        one host
 *   POST /api/hosts/decommission            many hosts, by ids or a whole fix group
 *   POST /api/hosts/:id/duplicate           a suspected duplicate: merge it into the host it
 *                                           duplicates, or reject it
 *
 * Written with zod/mini like http.ts.
 */
import { CHECK_IDS } from "@kdumpwatch/core";
import * as z from "zod/mini";
import { DISTRO_FAMILIES } from "./fleet-ops.ts";
import { HostSummarySchema } from "./http.ts";

export const BULK_DECOMMISSION_MAX_HOSTS = 1000;

const hostId = z.string().check(z.minLength(1), z.maxLength(64));

/** Decommission many hosts: by ids (a page's selection), or every host of a fix group. */
export const BulkDecommissionSchema = z
  .object({
    ids: z.optional(z.array(hostId).check(z.maxLength(BULK_DECOMMISSION_MAX_HOSTS))),
    group: z.optional(z.object({ check: z.enum(CHECK_IDS), family: z.enum(DISTRO_FAMILIES) })),
  })
  .check(
    z.refine((b) => (b.ids === undefined) !== (b.group === undefined), {
      error: "give exactly one of ids and group",
    }),
  );
export type BulkDecommission = z.infer<typeof BulkDecommissionSchema>;

export const DecommissionResultSchema = z.object({
  /** hosts decommissioned by this request */
  decommissioned: z.array(z.string()),
  /** hosts that were already decommissioned (nothing changed for them) */
  alreadyDecommissioned: z.array(z.string()),
  /** ids given that are not hosts */
  unknownHostIds: z.array(z.string()),
});
export type DecommissionResult = z.infer<typeof DecommissionResultSchema>;

export const DUPLICATE_ACTIONS = [
  /** the suspected duplicate is that host again: its agent takes over the original record */
  "merge",
  /** the suspected duplicate is not trusted: its record is decommissioned, its credential revoked */
  "reject",
] as const;
export type DuplicateAction = (typeof DUPLICATE_ACTIONS)[number];

export const DuplicateResolutionSchema = z.object({ action: z.enum(DUPLICATE_ACTIONS) });
export type DuplicateResolution = z.infer<typeof DuplicateResolutionSchema>;

export const DuplicateResolvedSchema = z.object({
  action: z.enum(DUPLICATE_ACTIONS),
  /** merge: the original record, now reported to by the duplicate's agent; reject: the rejected record */
  host: HostSummarySchema,
});
export type DuplicateResolved = z.infer<typeof DuplicateResolvedSchema>;
