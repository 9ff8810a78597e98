import { describe, expect, test } from "vitest";
import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  CRITICAL_CHECKS,
} from "./checks/check.ts";
import { blockingChecks, evaluateReadiness } from "./readiness.ts";

/** All checks pass (sysrq info), then the given overrides. */
function checks(overrides: Partial<Record<CheckId, CheckStatus>> = {}): CheckResult[] {
  return CHECK_IDS.map((id) => ({
    id,
    status: overrides[id] ?? (id === "sysrq.keyboard-crash" ? "info" : "pass"),
    summary: id,
    evidence: [],
  }));
}

describe("evaluateReadiness", () => {
  test("ready when every critical check passes and nothing warns", () => {
    expect(evaluateReadiness(checks())).toBe("ready");
  });

  test.each([...CRITICAL_CHECKS])("not_ready when critical %s fails", (id) => {
    expect(evaluateReadiness(checks({ [id]: "fail" }))).toBe("not_ready");
  });

  test.each([...CRITICAL_CHECKS])("unknown when critical %s is unknown", (id) => {
    expect(evaluateReadiness(checks({ [id]: "unknown" }))).toBe("unknown");
  });

  test.each([...CRITICAL_CHECKS])("at_risk when critical %s warns", (id) => {
    expect(evaluateReadiness(checks({ [id]: "warn" }))).toBe("at_risk");
  });

  test("a failure beats missing evidence: fail + unknown is not_ready", () => {
    expect(evaluateReadiness(checks({ "kdump.loaded": "fail", "crashkernel.reserved": "unknown" }))).toBe(
      "not_ready",
    );
  });

  test("missing evidence beats a warning: unknown + warn is unknown", () => {
    expect(evaluateReadiness(checks({ "kdump.loaded": "unknown", "crashkernel.size": "warn" }))).toBe(
      "unknown",
    );
  });

  test("a critical check absent from the list counts as unknown, never ready", () => {
    expect(evaluateReadiness(checks().filter((c) => c.id !== "crashkernel.reserved"))).toBe("unknown");
  });

  test.each([
    ["crashkernel.size", "warn", "at_risk"],
    ["crashkernel.low-region", "warn", "at_risk"],
    ["kdump.kernel-links", "warn", "at_risk"],
    ["kdump.kernel-links", "fail", "at_risk"],
    ["dump-target.capacity", "warn", "at_risk"],
    ["dump-target.capacity", "fail", "at_risk"],
    ["panic.on-oops", "warn", "at_risk"],
    ["crash.dumps", "warn", "at_risk"],
    ["kdump.service-state", "warn", "at_risk"],
    ["collection.complete", "warn", "at_risk"],
    ["crashkernel.pending-reboot", "warn", "ready"],
    ["sysrq.keyboard-crash", "warn", "ready"],
    ["dump-target.capacity", "unknown", "ready"],
    ["crash.dumps", "info", "ready"],
    ["kdump.kernel-links", "info", "ready"],
  ] as const)("non-critical %s %s → %s", (id, status, verdict) => {
    expect(evaluateReadiness(checks({ [id]: status }))).toBe(verdict);
  });

  test("blockingChecks lists what keeps a host from ready, in catalogue order", () => {
    const list = blockingChecks(
      checks({
        "collection.complete": "warn",
        "kdump.loaded": "fail",
        "crashkernel.pending-reboot": "warn",
        "crash.dumps": "info",
      }),
    );
    expect(list).toEqual(["kdump.loaded", "collection.complete"]);
  });
});
