/**
 * The check catalogue of product.md §2. Ids are stored, shown, filtered on and alerted on: once
 * shipped an id never changes meaning.
 */
export const CHECK_IDS = [
  "kdump.tools-installed",
  "kdump.enabled",
  "crashkernel.param",
  "crashkernel.reserved",
  "kdump.loaded",
  "kexec.lockdown",
  "kexec.load-disabled",
  "crashkernel.size",
  "crashkernel.low-region",
  "crashkernel.pending-reboot",
  "kdump.kernel-links",
  "dump-target.capacity",
  "panic.on-oops",
  "sysrq.keyboard-crash",
  "crash.dumps",
  "kdump.service-state",
  "collection.complete",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** Checks whose failure makes a host not_ready (product.md §2, domain.md §8 "Overall verdict"). */
export const CRITICAL_CHECKS: ReadonlySet<CheckId> = new Set<CheckId>([
  "kdump.tools-installed",
  "kdump.enabled",
  "crashkernel.param",
  "crashkernel.reserved",
  "kdump.loaded",
  "kexec.lockdown",
  "kexec.load-disabled",
]);

export const CHECK_STATUSES = ["pass", "warn", "fail", "info", "unknown"] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const VERDICTS = ["ready", "at_risk", "not_ready", "unknown"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The exact lines a result rests on, with the source they came from. */
export interface Evidence {
  source: string;
  text: string;
}

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** one line */
  summary: string;
  evidence: Evidence[];
  /** commands or steps to run, present when status is not pass/info */
  remediation?: string[];
}
