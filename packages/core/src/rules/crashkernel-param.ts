import type { CheckResult } from "../checks/check.ts";
import type { CrashkernelProblem, HostFacts } from "../facts/host-facts.ts";
import { DEFAULT_CRASHKERNEL, REBOOT, steps } from "./family-commands.ts";
import { checkResult, forFamily, formatBytes, remediationFamily } from "./rule-kit.ts";

const ID = "crashkernel.param";

/** Problems that leave nothing reserved (domain §1.5, §1.9, R03 FAIL column). */
const FATAL: ReadonlySet<CrashkernelProblem> = new Set<CrashkernelProblem>([
  "missing",
  "low-without-high",
  "high-unsupported",
  "syntax",
  "auto",
  "zero",
  "invalid-size",
  "no-range-match",
  "exceeds-ram",
]);
/** Problems that depend on the RAM estimate, which can be off by up to 128 MiB (domain §1.6). */
const RAM_DEPENDENT: ReadonlySet<CrashkernelProblem> = new Set<CrashkernelProblem>([
  "invalid-size",
  "no-range-match",
  "exceeds-ram",
]);

/**
 * `crashkernel=auto` is a RHEL 6/7/8 kernel feature; upstream and RHEL 9+ reject it (trap 18,
 * domain §1.8). The kernel release (`.el7`) decides; the OS version is the fallback.
 */
export function kernelSupportsAuto(facts: HostFacts): boolean | null {
  const release = facts.identity.kernelRelease;
  if (release !== null) return /\.el[678](?:[._]|$)/.test(release);
  const { family, versionId } = facts.identity.os;
  if (family === "el" && versionId !== null) return /^[678](?:\.|$)/.test(versionId);
  return null;
}

/**
 * R03 (domain §8): the effective `crashkernel=` per the kernel's own rules (last plain token wins,
 * case-sensitive, memparse units, ranges vs RAM rounded up to 128 MiB, `,high`/`,low`, `auto`, `0`).
 * Fail: missing, wrong case only, syntax error, `auto` on a kernel without it, `0`, rejected range.
 * Warn: duplicates, ignored suffixed tokens, `@offset`, < 128 MiB, a token inside another word,
 * a command line at the kernel's size limit (trap 22).
 */
export function checkCrashkernelParam(facts: HostFacts): CheckResult {
  const ck = facts.crashkernel;
  const evidence = ck.evidence;
  const fix = forFamily(remediationFamily(facts), steps(DEFAULT_CRASHKERNEL, REBOOT));
  if (!ck.cmdlineRead) {
    return checkResult({
      id: ID,
      status: "unknown",
      summary: "The kernel command line (/proc/cmdline) was not collected",
      evidence,
      remediation: ["Make sure the agent can read /proc/cmdline (a capture needs proc/cmdline)."],
    });
  }

  // fadump sizes its reservation itself when no crashkernel= is given (fadump_reserve_mem=, or a
  // share of RAM), so a missing parameter is not a problem in fadump mode (trap 14); the
  // implication "fadump-needs-no-crashkernel" (facts/implications.ts) sets `required`
  const fadump = !ck.required || facts.kdump.mode === "fadump";
  if (fadump && ck.effective === null && ck.problems.every((p) => p === "missing")) {
    return checkResult({
      id: ID,
      status: "pass",
      summary: "No crashkernel=: firmware-assisted dump (fadump) sizes its own reservation",
      evidence,
    });
  }
  const autoSupported = ck.effective === "auto" ? kernelSupportsAuto(facts) : null;
  // An observed reservation proves the kernel accepted the value: our RAM estimate may be off near a
  // range boundary (domain §1.6 "prefer the observed reservation"), and `auto` worked.
  const reservedSeen = facts.reservation.reservedSeen && facts.reservation.bytes !== 0;
  const fatal: string[] = [];
  const warnings: string[] = [];
  ck.problems.forEach((problem, i) => {
    const detail = ck.problemDetails[i] ?? problem;
    if (problem === "auto" && (autoSupported === true || reservedSeen)) return;
    if (problem === "auto" && autoSupported === null) {
      warnings.push(`${detail} (kernel release unknown: valid only on RHEL 6/7/8 kernels)`);
      return;
    }
    if (RAM_DEPENDENT.has(problem) && ck.uncertain && reservedSeen) {
      warnings.push(`${detail} (RAM estimate near a range boundary; the kernel did reserve memory)`);
      return;
    }
    if (problem === "wrong-case" && ck.effective !== null) {
      warnings.push(detail);
      return;
    }
    // fadump falls back to its own size when crashkernel= does not parse
    // (arch/powerpc/kernel/fadump.c fadump_calculate_reserve_size): a warning there
    if (fadump && (FATAL.has(problem) || problem === "wrong-case"))
      warnings.push(`${detail} (fadump uses its default size)`);
    else if (FATAL.has(problem) || problem === "wrong-case") fatal.push(detail);
    else warnings.push(detail);
  });

  if (fatal.length > 0 || (ck.effective === null && !fadump)) {
    const why = fatal.length > 0 ? fatal.join("; ") : "no effective crashkernel= value";
    return checkResult({
      id: ID,
      status: "fail",
      summary: `crashkernel= leaves nothing to reserve: ${why}`,
      evidence,
      remediation: fix,
    });
  }
  const value =
    ck.effective !== null
      ? `crashkernel=${ck.effective}`
      : "No effective crashkernel= (fadump sizes its own)";
  const size = ck.expectedBytes !== null ? ` → ${formatBytes(ck.expectedBytes)}` : "";
  const hedge = ck.uncertain
    ? ` (size uncertain: ${ck.uncertainReasons.length > 0 ? ck.uncertainReasons.join(", ") : "estimate"})`
    : "";
  if (warnings.length > 0) {
    // a fadump host is never asked to add crashkernel=: only to fix or drop a broken one
    const advice = fadump
      ? [
          "Fix or drop the crashkernel= value: fadump works without it (it then reserves its default share of RAM).",
        ]
      : fix;
    return checkResult({
      id: ID,
      status: "warn",
      summary: `${value}${size}${hedge}, but: ${warnings.join("; ")}`,
      evidence,
      remediation: advice,
    });
  }
  return checkResult({ id: ID, status: "pass", summary: `Effective ${value}${size}${hedge}`, evidence });
}
