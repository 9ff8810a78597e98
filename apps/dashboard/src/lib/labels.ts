/**
 * Words shown for verdicts, check statuses and check ids (product.md §2). Ids stay visible beside
 * their titles: they are what people filter on and what alerts carry.
 */
import { type CheckId, type CheckStatus, CRITICAL_CHECKS, type Verdict } from "@kdumpwatch/core";

export const VERDICT_LABELS: Record<Verdict, string> = {
  ready: "Ready",
  at_risk: "At risk",
  not_ready: "Not ready",
  unknown: "Unknown",
};

/** What each verdict means, for tooltips and the legend. */
export const VERDICT_HINTS: Record<Verdict, string> = {
  ready: "Every critical check passes; a crash dump would be captured.",
  at_risk: "Critical checks pass, but something makes a dump likely to fail.",
  not_ready: "A critical check fails: a crash now would leave no dump.",
  unknown: "Evidence for a critical check is missing.",
};

/** Worst first: the order the fleet page and host list show verdicts in. */
export const VERDICT_ORDER: readonly Verdict[] = ["not_ready", "unknown", "at_risk", "ready"];

export const STATUS_LABELS: Record<CheckStatus, string> = {
  fail: "Fail",
  warn: "Warn",
  unknown: "Unknown",
  info: "Info",
  pass: "Pass",
};

/** Worst first: the order checks are listed on the host page. */
const STATUS_ORDER: readonly CheckStatus[] = ["fail", "unknown", "warn", "info", "pass"];

const CHECK_TITLES: Record<CheckId, string> = {
  "kdump.tools-installed": "kdump tools installed",
  "kdump.enabled": "kdump enabled",
  "crashkernel.param": "crashkernel= parameter",
  "crashkernel.reserved": "Crash memory reserved",
  "kdump.loaded": "Capture kernel loaded",
  "kexec.lockdown": "Not blocked by lockdown",
  "kexec.load-disabled": "kexec loading allowed",
  "crashkernel.size": "Reservation large enough",
  "crashkernel.low-region": "Low region kept",
  "crashkernel.pending-reboot": "No reboot pending",
  "kdump.kernel-links": "kdump kernel links",
  "dump-target.capacity": "Dump target capacity",
  "panic.on-oops": "Panic on oops",
  "sysrq.keyboard-crash": "SysRq crash key",
  "crash.dumps": "Crash dumps present",
  "kdump.service-state": "kdump service state",
  "collection.complete": "Collection complete",
};

/** A title for a check id; an id from a newer server is shown as itself. */
export function checkTitle(id: string): string {
  return (CHECK_TITLES as Record<string, string>)[id] ?? id;
}

export function isCriticalCheck(id: string): boolean {
  return (CRITICAL_CHECKS as ReadonlySet<string>).has(id);
}

/** Sort key putting the worst status first, unknown statuses last. */
export function statusRank(status: string): number {
  const i = (STATUS_ORDER as readonly string[]).indexOf(status);
  return i === -1 ? STATUS_ORDER.length : i;
}
