/**
 * The host verdict from its check results (product.md §2, domain.md §8 "Overall verdict").
 *
 * Precedence, first match wins:
 *   1. not_ready – a critical check fails (a failure is a fact; missing evidence elsewhere cannot
 *      make it better).
 *   2. unknown   – a critical check is unknown, or missing from the list (never silently ready).
 *   3. at_risk   – any check warns, or a non-critical check fails (e.g. dump-target.capacity), except
 *      the checks in NON_DEGRADING.
 *   4. ready     – everything else: critical checks pass (info counts as pass), nothing warns.
 * Unknown non-critical checks do not degrade the verdict: they are shown, not judged.
 */
import { CHECK_IDS, type CheckId, type CheckResult, CRITICAL_CHECKS, type Verdict } from "./checks/check.ts";

/**
 * Checks whose warn/fail does not make a dump likely to fail *now*: sysrq is information only
 * (trap 15); a pending reboot changes the next boot, not the running reservation.
 */
export const NON_DEGRADING: ReadonlySet<CheckId> = new Set<CheckId>([
  "sysrq.keyboard-crash",
  "crashkernel.pending-reboot",
]);

/** The checks that keep a host from `ready`, for display and the server's `failing` list. */
export function blockingChecks(checks: readonly CheckResult[]): CheckId[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  return CHECK_IDS.filter((id) => {
    const c = byId.get(id);
    if (CRITICAL_CHECKS.has(id))
      return c === undefined || c.status === "fail" || c.status === "unknown" || c.status === "warn";
    if (c === undefined || NON_DEGRADING.has(id)) return false;
    return c.status === "warn" || c.status === "fail";
  });
}

export function evaluateReadiness(checks: readonly CheckResult[]): Verdict {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const critical = [...CRITICAL_CHECKS].map((id) => byId.get(id)?.status ?? "unknown");
  if (critical.includes("fail")) return "not_ready";
  if (critical.includes("unknown")) return "unknown";
  return blockingChecks(checks).length > 0 ? "at_risk" : "ready";
}
