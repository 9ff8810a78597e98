import { type CheckResult, CRITICAL_CHECKS } from "@kdumpwatch/core";

/**
 * A judged host's critical checks (core's CRITICAL_CHECKS, the ones alerts are raised on): those in
 * `failing` fail with a summary and a fix, the rest pass. The alert engine's and planner's tests
 * build their reports from it.
 */
export function criticalChecks(failing: readonly string[] = []): CheckResult[] {
  return [...CRITICAL_CHECKS].map((id) => ({
    id,
    status: failing.includes(id) ? "fail" : "pass",
    summary: failing.includes(id) ? `${id} fails` : `${id} passes`,
    evidence: [],
    ...(failing.includes(id) ? { remediation: [`fix ${id}`] } : {}),
  }));
}
