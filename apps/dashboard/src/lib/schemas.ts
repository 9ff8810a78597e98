/**
 * The response types the dashboard reads. Bodies and live events are parsed with the server's own
 * schemas from `@kdumpwatch/protocol` (http.ts), so both sides agree by construction; this file only
 * names the inferred types the way the dashboard talks about them. `facts`, the one part the
 * protocol leaves open (core owns it), is read by facts-view.ts.
 */
import type { SourceResultSchema } from "@kdumpwatch/protocol";
import type * as z from "zod/mini";

export type {
  CheckResultDto as CheckResult,
  FleetHistory,
  FleetSummary,
  HostDetail,
  HostHistory,
  HostList,
  HostSummary as HostRow,
  LiveEvent,
  TokenCreated,
  TokenList,
  Transition,
} from "@kdumpwatch/protocol";

export type SourceResult = z.infer<typeof SourceResultSchema>;
