// Tool-side parsers (domain.md §4, §5, §6.2, §6.5, §6.6): text in, `{ value, issues }` out, never throw.
export type { ConfigSetting } from "./config-setting.ts";
export type { DefaultKdumpTools, KdumpToolsRemoteTarget } from "./default-kdump-tools.ts";
export { parseDefaultKdumpTools } from "./default-kdump-tools.ts";
export type { Df, DfEntry } from "./df.ts";
export { parseDf } from "./df.ts";
export type { ApportReport, Dump, DumpFile, DumpListing } from "./dump-listing.ts";
export { parseDumpListing } from "./dump-listing.ts";
export type { FadumpLines } from "./fadump-lines.ts";
export { parseFadumpLines } from "./fadump-lines.ts";
export type { FailureCause, FailureKind } from "./failure-cause.ts";
export { FAILURE_KINDS } from "./failure-cause.ts";
export type { FilteredLog } from "./filter-kdump-log.ts";
export { filterKdumpLog } from "./filter-kdump-log.ts";
export type {
  GrubAssignment,
  GrubCrashkernelToken,
  GrubDefaults,
  GrubDefaultsOptions,
} from "./grub-defaults.ts";
export { parseGrubDefaults } from "./grub-defaults.ts";
export type { InstalledPackage, InstalledPackages, KdumpPackage } from "./installed-packages.ts";
export { KDUMP_PACKAGES, parseInstalledPackages } from "./installed-packages.ts";
export type { KdumpConf, KdumpConfOption, KdumpConfTarget } from "./kdump-conf.ts";
export { parseKdumpConf } from "./kdump-conf.ts";
export type {
  CrashkernelAddr,
  CrashkernelAddress,
  DumpState,
  KdumpConfigMessage,
  KdumpConfigShow,
  KdumpRemoteLines,
  KexecCommandBlock,
  SuggestedSize,
} from "./kdump-config-show.ts";
export { parseKdumpConfigShow } from "./kdump-config-show.ts";
export type { KdumpConfigStatus } from "./kdump-config-status.ts";
export { parseKdumpConfigStatus } from "./kdump-config-status.ts";
export type { KdumpConfigTest } from "./kdump-config-test.ts";
export { parseKdumpConfigTest } from "./kdump-config-test.ts";
export type { KdumpLink } from "./kdump-link.ts";
export { parseKdumpLog } from "./kdump-log.ts";
export type {
  JournalFinding,
  JournalFindingCode,
  KdumpServiceJournal,
  LastLoad,
  ServiceEventCode,
} from "./kdump-service-journal.ts";
export { parseKdumpServiceJournal, parseSystemLog } from "./kdump-service-journal.ts";
export type { KdumpToolsMessage, KdumpToolsMessageCode, MessageStyle } from "./kdump-tools-message.ts";
export { classifyKdumpToolsMessage, KDUMP_TOOLS_MESSAGE_CODES } from "./kdump-tools-message.ts";
export type { KdumpctlEstimate, LargeModule } from "./kdumpctl-estimate.ts";
export { parseKdumpctlEstimate } from "./kdumpctl-estimate.ts";
export type { KdumpctlShowmem } from "./kdumpctl-showmem.ts";
export { parseKdumpctlShowmem } from "./kdumpctl-showmem.ts";
export type { KdumpctlStatus, VmcoreTestNotice } from "./kdumpctl-status.ts";
export { parseKdumpctlStatus } from "./kdumpctl-status.ts";
export type { CalibrateKey, KdumptoolCalibrate } from "./kdumptool-calibrate.ts";
export { parseKdumptoolCalibrate } from "./kdumptool-calibrate.ts";
export type { ListingEntry } from "./listing-entries.ts";
export type { LogStamp } from "./log-stamp.ts";
export { readLogStamp } from "./log-stamp.ts";
export type { MokutilSbState, SecureBootState } from "./mokutil-sb-state.ts";
export { parseMokutilSbState } from "./mokutil-sb-state.ts";
export type { OsRelease } from "./os-release.ts";
export { parseOsRelease } from "./os-release.ts";
export type { KdumpUnit } from "./service-units.ts";
export { KDUMP_UNITS, kdumpUnitOfIdent } from "./service-units.ts";
export type { ShellAssignment, ShellAssignments } from "./shell-assignments.ts";
export { parseShellAssignments } from "./shell-assignments.ts";
export type { SysconfigKdump } from "./sysconfig-kdump.ts";
export { parseSysconfigKdump } from "./sysconfig-kdump.ts";
export type { SystemctlStatus, UnitActive, UnitLoaded, UnitStatus } from "./systemctl-status.ts";
export { parseSystemctlStatus } from "./systemctl-status.ts";
export type { ToolField, ToolLine } from "./text-lines.ts";
export type { Uname } from "./uname.ts";
export { parseUname } from "./uname.ts";
