import {
  type ByteCount,
  type CheckResult,
  CRITICAL_CHECKS,
  type HostFacts,
  isByteCount,
  type Snapshot,
  type Verdict,
} from "@kdumpwatch/core";
import { canonicalJson } from "@kdumpwatch/protocol";
import { sha256Hex } from "./secrets.ts";

/** core's judgeSnapshot (packages/core/src/judge.ts): raw snapshot in, verdict, checks and facts out. */
export type JudgeFn = (
  snapshot: Snapshot,
  now: Date,
) => { verdict: Verdict; checks: CheckResult[]; facts: HostFacts };

export interface ListingFacts {
  os: string | null;
  kernel: string | null;
  ramBytes: ByteCount | null;
  crashkernel: string | null;
  reservedBytes: ByteCount | null;
}

/**
 * Everything ingest needs from one snapshot that does not touch the database: the judgement and
 * the two hashes that decide what to write. Computed once per snapshot, in a judge worker when
 * the server has them (judge-pool.ts), so the event loop only moves rows.
 */
export interface PreparedSnapshot {
  verdict: Verdict;
  checks: CheckResult[];
  facts: HostFacts;
  failing: string[];
  listing: ListingFacts;
  /** sha256 of the canonical JSON of the sources (decides whether a snapshot row is written) */
  contentHash: string;
  /** sha256 of checks + facts without collectedAt (decides whether host_reports is rewritten) */
  judgementHash: string;
}

/**
 * Checks that make a host not ready or at risk: fail or warn, and unknown on a critical check
 * (that is what makes the verdict unknown). In catalogue order, as core returns them.
 */
export function failingChecks(checks: readonly CheckResult[]): string[] {
  return checks
    .filter(
      (c) =>
        c.status === "fail" || c.status === "warn" || (c.status === "unknown" && CRITICAL_CHECKS.has(c.id)),
    )
    .map((c) => c.id);
}

/** The denormalised columns of `hosts`, read defensively from core's facts. */
export function listingFacts(facts: HostFacts | undefined): ListingFacts {
  const bytes = (v: unknown): ByteCount | null => (isByteCount(v) ? v : null);
  const os = facts?.identity?.os;
  const versioned = [os?.id, os?.versionId].filter(Boolean).join(" ");
  return {
    os: os?.prettyName ?? (versioned || null),
    kernel: facts?.identity?.kernelRelease ?? null,
    ramBytes: bytes(facts?.memory?.systemRamBytes),
    crashkernel: facts?.crashkernel?.effective ?? null,
    reservedBytes: bytes(facts?.reservation?.bytes),
  };
}

/** Judge and hash one snapshot (pure apart from the clock value passed in). */
export function prepareSnapshot(judge: JudgeFn, snapshot: Snapshot, now: Date): PreparedSnapshot {
  const judgement = judge(snapshot, now);
  const { collectedAt: _changesEveryTime, ...stableFacts } = judgement.facts;
  return {
    verdict: judgement.verdict,
    checks: judgement.checks,
    facts: judgement.facts,
    failing: failingChecks(judgement.checks),
    listing: listingFacts(judgement.facts),
    contentHash: sha256Hex(canonicalJson(snapshot.sources)),
    judgementHash: sha256Hex(canonicalJson({ checks: judgement.checks, facts: stableFacts })),
  };
}
