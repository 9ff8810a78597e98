/** The judging half of core: facts → rules → verdict. Re-exported from index.ts. */

export { buildFacts } from "./facts/build-facts.ts";
export { emptyFacts } from "./facts/empty-facts.ts";
export type {
  CollectionFacts,
  ConfiguredCrashkernelFacts,
  CrashkernelFacts,
  CrashkernelProblem,
  DistroFamily,
  DumpEntry,
  DumpsFacts,
  DumpTargetFacts,
  HostFacts,
  IdentityFacts,
  KdumpFacts,
  KexecFacts,
  LinkFacts,
  MemoryFacts,
  PanicFacts,
  ReservationFacts,
  ReservedRegion,
  SecurityFacts,
  ServiceFacts,
  SourceState,
  SysrqFacts,
} from "./facts/host-facts.ts";
export { CRASHKERNEL_PROBLEMS, DISTRO_FAMILIES, HOST_FACTS_VERSION } from "./facts/host-facts.ts";
export type { Judgement } from "./judge.ts";
export { judgeFacts, judgeSnapshot } from "./judge.ts";
export { blockingChecks, evaluateReadiness, NON_DEGRADING } from "./readiness.ts";
export { checkCollectionComplete } from "./rules/collection-complete.ts";
export { checkCrashDumps } from "./rules/crash-dumps.ts";
export { checkCrashkernelLowRegion } from "./rules/crashkernel-low-region.ts";
export { checkCrashkernelParam } from "./rules/crashkernel-param.ts";
export { checkCrashkernelPendingReboot } from "./rules/crashkernel-pending-reboot.ts";
export { checkCrashkernelReserved } from "./rules/crashkernel-reserved.ts";
export { checkCrashkernelSize } from "./rules/crashkernel-size.ts";
export { checkDumpTargetCapacity } from "./rules/dump-target-capacity.ts";
export { checkKdumpEnabled } from "./rules/kdump-enabled.ts";
export { checkKdumpKernelLinks } from "./rules/kdump-kernel-links.ts";
export { checkKdumpLoaded } from "./rules/kdump-loaded.ts";
export { checkKdumpServiceState } from "./rules/kdump-service-state.ts";
export { checkKdumpToolsInstalled } from "./rules/kdump-tools-installed.ts";
export { checkKexecLoadDisabled } from "./rules/kexec-load-disabled.ts";
export { checkKexecLockdown } from "./rules/kexec-lockdown.ts";
export { checkPanicOnOops } from "./rules/panic-on-oops.ts";
export type { Rule } from "./rules/rule-kit.ts";
export { RULES } from "./rules/rules.ts";
export { shellCommand, shellQuote } from "./rules/shell-quote.ts";
export { checkSysrqKeyboardCrash } from "./rules/sysrq-keyboard-crash.ts";
