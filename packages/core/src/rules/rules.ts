/** The rule of every check id, in catalogue order (product.md §2). */
import type { CheckId } from "../checks/check.ts";
import { checkCollectionComplete } from "./collection-complete.ts";
import { checkCrashDumps } from "./crash-dumps.ts";
import { checkCrashkernelLowRegion } from "./crashkernel-low-region.ts";
import { checkCrashkernelParam } from "./crashkernel-param.ts";
import { checkCrashkernelPendingReboot } from "./crashkernel-pending-reboot.ts";
import { checkCrashkernelReserved } from "./crashkernel-reserved.ts";
import { checkCrashkernelSize } from "./crashkernel-size.ts";
import { checkDumpTargetCapacity } from "./dump-target-capacity.ts";
import { checkKdumpEnabled } from "./kdump-enabled.ts";
import { checkKdumpKernelLinks } from "./kdump-kernel-links.ts";
import { checkKdumpLoaded } from "./kdump-loaded.ts";
import { checkKdumpServiceState } from "./kdump-service-state.ts";
import { checkKdumpToolsInstalled } from "./kdump-tools-installed.ts";
import { checkKexecLoadDisabled } from "./kexec-load-disabled.ts";
import { checkKexecLockdown } from "./kexec-lockdown.ts";
import { checkPanicOnOops } from "./panic-on-oops.ts";
import type { Rule } from "./rule-kit.ts";
import { checkSysrqKeyboardCrash } from "./sysrq-keyboard-crash.ts";

/** Typed as a full Record so adding a CheckId without a rule is a compile error. */
export const RULES: Readonly<Record<CheckId, Rule>> = {
  "kdump.tools-installed": checkKdumpToolsInstalled,
  "kdump.enabled": checkKdumpEnabled,
  "crashkernel.param": checkCrashkernelParam,
  "crashkernel.reserved": checkCrashkernelReserved,
  "kdump.loaded": checkKdumpLoaded,
  "kexec.lockdown": checkKexecLockdown,
  "kexec.load-disabled": checkKexecLoadDisabled,
  "crashkernel.size": checkCrashkernelSize,
  "crashkernel.low-region": checkCrashkernelLowRegion,
  "crashkernel.pending-reboot": checkCrashkernelPendingReboot,
  "kdump.kernel-links": checkKdumpKernelLinks,
  "dump-target.capacity": checkDumpTargetCapacity,
  "panic.on-oops": checkPanicOnOops,
  "sysrq.keyboard-crash": checkSysrqKeyboardCrash,
  "crash.dumps": checkCrashDumps,
  "kdump.service-state": checkKdumpServiceState,
  "collection.complete": checkCollectionComplete,
};
