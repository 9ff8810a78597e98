/**
 * Small shared pieces of the rules: the Rule signature, a result builder that keeps the
 * "remediation when not passing" invariant, byte formatting and per-distro remediation choice.
 */
import { type ByteCount, byteCountToNumber } from "../byte-count.ts";
import type { CheckId, CheckResult, CheckStatus, Evidence } from "../checks/check.ts";
import type { DistroFamily, HostFacts } from "../facts/host-facts.ts";

/** A rule: pure, facts and the judging time in, one result out (house-style §10). */
export type Rule = (facts: HostFacts, now: Date) => CheckResult;

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** What a rule decided: the check, its status, a one-line summary, the evidence and the steps. */
export interface CheckResultOptions {
  id: CheckId;
  status: CheckStatus;
  summary: string;
  evidence: readonly Evidence[];
  /** kept for warn/fail/unknown, dropped for pass/info */
  remediation?: readonly string[];
}

/**
 * Builds a CheckResult. Remediation is kept for warn/fail/unknown and dropped for pass/info, so a
 * rule cannot accidentally ship advice on a passing check or forget it on a failing one (an empty
 * list on a non-passing status is a programming error and gets a generic step).
 */
export function checkResult({
  id,
  status,
  summary,
  evidence,
  remediation = [],
}: CheckResultOptions): CheckResult {
  const result: CheckResult = { id, status, summary, evidence: dedupeEvidence(evidence) };
  if (status === "warn" || status === "fail" || status === "unknown") {
    result.remediation =
      remediation.length > 0
        ? [...remediation]
        : ["Run `kdumpwatch-agent check` as root and review the evidence."];
  }
  return result;
}

/** Most evidence lines one result carries; hostile input must not grow a check without bound. */
export const MAX_EVIDENCE = 50;

function dedupeEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of evidence) {
    if (out.length >= MAX_EVIDENCE) break;
    const key = `${e.source}\u0000${e.text}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ source: e.source, text: e.text });
    }
  }
  return out;
}

/**
 * "192 MiB", "1.5 GiB", "512 bytes": the unit the kernel's own messages use for each range. A
 * ByteCount from 2^53 on is shown through its nearest double (summaries round anyway).
 */
export function formatBytes(count: ByteCount): string {
  const bytes = byteCountToNumber(count);
  if (bytes >= GiB && bytes % (GiB / 4) === 0) return `${bytes / GiB} GiB`;
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/** Remediation steps for each known family; every family must be given (a compile-time check). */
export type FamilySteps = Readonly<Record<Exclude<DistroFamily, "unknown">, readonly string[]>>;

const FAMILY_LABELS: Readonly<Record<Exclude<DistroFamily, "unknown">, string>> = {
  debian: "Debian/Ubuntu",
  el: "RHEL/Fedora/Amazon Linux",
  suse: "SUSE/openSUSE",
  azurelinux: "Azure Linux",
};

/**
 * Picks remediation steps for the host's distro family, so each command is one that exists
 * there (an EL host is never told to run kdump-config). An unknown family gets every family's
 * steps, labelled, so the operator still sees the commands.
 */
export function forFamily(family: DistroFamily, steps: FamilySteps): string[] {
  if (family !== "unknown") return [...steps[family]];
  return (Object.keys(FAMILY_LABELS) as Array<Exclude<DistroFamily, "unknown">>).flatMap((f) =>
    steps[f].map((s) => `${FAMILY_LABELS[f]}: ${s}`),
  );
}

/**
 * The family remediation is written for: os-release's, else the one whose tooling answered
 * (kdump-tools → Debian/Ubuntu, kdumpctl → EL, kdumptool → SUSE).
 */
export function remediationFamily(facts: HostFacts): DistroFamily {
  const family = facts.identity.os.family;
  if (family !== "unknown") return family;
  switch (facts.kdump.tool) {
    case "kdump-tools":
      return "debian";
    case "kdumpctl":
      return "el";
    case "kdumptool":
      return "suse";
    default:
      return "unknown";
  }
}

/** The step shown when a rule lacks the inputs it needs. */
export const RUN_AS_ROOT =
  "Run the kdumpwatch agent as root so /proc/iomem, /sys/kernel and the kdump tools can be read.";
