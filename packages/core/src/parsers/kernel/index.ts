// Kernel-side parsers of packages/core: /proc and /sys files, the kernel log, the command line
// and the kernel's own crashkernel= rules. Pure functions over text (house-style §8).

export type { ParseIssue, ParseResult } from "../issue.ts";
export { parseIssue } from "../issue.ts";
export type { SystemRamInputs } from "./best-system-ram.ts";
export { bestSystemRam } from "./best-system-ram.ts";
export { COMMAND_LINE_SIZE } from "./cmdline-text.ts";
export type { CrashkernelBehaviour, KernelArch } from "./crashkernel-behaviour.ts";
export { KERNEL_ARCHES, normalizeArch } from "./crashkernel-behaviour.ts";
export type {
  CrashkernelEvaluation,
  CrashkernelFinding,
  CrashkernelFindingCode,
  CrashkernelInput,
  CrashkernelKind,
  CrashkernelOutcome,
  CrashkernelRange,
  RamSource,
  UncertainReason,
} from "./crashkernel-evaluation.ts";
export {
  CRASHKERNEL_FINDING_CODES,
  CRASHKERNEL_KINDS,
  CRASHKERNEL_OUTCOMES,
  RAM_SOURCES,
  UNCERTAIN_REASONS,
} from "./crashkernel-evaluation.ts";
export type { KernelVersion, ModelRow } from "./crashkernel-model.ts";
export { CRASHKERNEL_MODEL } from "./crashkernel-model.ts";
export { parseDmesg } from "./dmesg.ts";
export { stripDmesgPrefix } from "./dmesg-prefix.ts";
export type {
  DmesgFailure,
  DmesgFailureCode,
  DmesgLine,
  DmesgLockdown,
  DmesgPanic,
  DmesgParserCode,
  DmesgParserMessage,
  DmesgRegion,
  DmesgReport,
  DmesgReservation,
  DmesgSysrq,
} from "./dmesg-report.ts";
export { DMESG_FAILURE_CODES, DMESG_PARSER_CODES, DMESG_REGIONS } from "./dmesg-report.ts";
export { evaluateCrashkernel } from "./evaluate-crashkernel.ts";
export { parseFadumpEnabled, parseFadumpMemReserved, parseFadumpRegistered } from "./fadump.ts";
export type { FilterDmesgOptions, FilteredDmesg } from "./filter-relevant-dmesg.ts";
export { filterRelevantDmesg } from "./filter-relevant-dmesg.ts";
export type {
  CrashkernelOccurrence,
  CrashkernelScan,
  CrashkernelSuffix,
  FindCrashkernelOptions,
} from "./find-crashkernel.ts";
export { CRASHKERNEL_SUFFIXES, findCrashkernel } from "./find-crashkernel.ts";
export type { CrashKernelRegion, IomemRegion, IomemReport } from "./iomem.ts";
export { parseIomem } from "./iomem.ts";
export type { KernelPoint, ResolvedBehaviours } from "./kernel-behaviour.ts";
export { behavioursAt, resolveKernelBehaviour } from "./kernel-behaviour.ts";
export type { KernelRelease } from "./kernel-release.ts";
export { isRhelAutoKernel, parseKernelRelease } from "./kernel-release.ts";
export { parseKexecCrashLoaded, parseSysfsFlag } from "./kexec-crash-loaded.ts";
export { parseKexecCrashSize } from "./kexec-crash-size.ts";
export type { Lockdown, LockdownLevel } from "./lockdown.ts";
export { LOCKDOWN_LEVELS, parseLockdown } from "./lockdown.ts";
export type { Meminfo } from "./meminfo.ts";
export { parseMeminfo } from "./meminfo.ts";
export type { MemparseResult } from "./memparse.ts";
export { memparse } from "./memparse.ts";
export type { Placement } from "./place-crashkernel.ts";
export type { SysctlValue } from "./sysctl-value.ts";
export { parseSysctlValue } from "./sysctl-value.ts";
export type { Sysrq, SysrqFunction } from "./sysrq.ts";
export { parseSysrq, SYSRQ_ENABLE_DUMP, SYSRQ_FUNCTIONS } from "./sysrq.ts";
export type { CmdlineToken, CmdlineTokens } from "./tokenize-cmdline.ts";
export { tokenizeCmdline } from "./tokenize-cmdline.ts";
