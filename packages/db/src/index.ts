// The query builder's operators, re-exported so that every consumer uses this package's one
// drizzle-orm instance (apps do not depend on drizzle-orm directly).
export {
  and,
  arrayContains,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  not,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
export type { DirLock } from "./lock-file.ts";
export { DataDirLockedError, isProcessAlive, lockDataDir } from "./lock-file.ts";
export type { DatabaseHandle, Db, Lease, OpenDatabaseOptions, Tx } from "./open.ts";
export { defaultMigrationsFolder, LOCK_KEYS, openDatabase, pgliteImages } from "./open.ts";
export {
  alertDumpBaselines,
  alertNotificationItems,
  alertNotifications,
  alertOutbox,
  alertSilences,
  alerts,
} from "./schema/alerting.ts";
export {
  apiTokens,
  enrollmentTokens,
  fleetCountDeltas,
  fleetCounts,
  hostCredentials,
  hostDuplicates,
  hostReports,
  hosts,
  serverInstances,
  sessions,
  settings,
  snapshots,
  transitions,
} from "./schema.ts";
