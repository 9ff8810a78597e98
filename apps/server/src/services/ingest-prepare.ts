import {
  type ByteCount,
  type CheckResult,
  CRITICAL_CHECKS,
  type HostFacts,
  isByteCount,
  type Snapshot,
  type Verdict,
} from "@kdumpwatch/core";
import { canonicalJson, canonicalJsonWithout } from "@kdumpwatch/protocol";
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

/** The facts the event loop reads after judging: alerting's (alert-engine.ts judgedHostOf). */
type AlertFacts = Partial<Pick<HostFacts, "dumps" | "dumpTarget">>;

/**
 * Everything ingest needs from one snapshot that does not touch the database: the judgement and
 * the two hashes that decide what to write. Computed once per snapshot, in a judge worker when
 * the server has them (judge-pool.ts), so the event loop only moves rows.
 *
 * The sources, checks and facts are stored as the canonical JSON the hashes were taken over
 * (jsonb keeps no key order, so the stored values are those of the objects): the event loop
 * neither serialises them again nor receives the whole facts object from the worker (issue 13).
 */
export interface PreparedSnapshot {
  verdict: Verdict;
  checks: CheckResult[];
  /** the facts alerting reads; the whole facts are `factsJson` */
  facts: AlertFacts;
  failing: string[];
  listing: ListingFacts;
  /** sha256 of the canonical JSON of the sources (decides whether a snapshot row is written) */
  contentHash: string;
  /** sha256 of checks + facts without collectedAt (decides whether host_reports is rewritten) */
  judgementHash: string;
  /** canonicalJson(snapshot.sources): the content hash's input, and the stored sources */
  sourcesJson: string;
  /** canonicalJson(checks): the stored report's checks */
  checksJson: string;
  /** canonicalJson(facts), collectedAt included: the stored report's facts */
  factsJson: string;
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
  const { facts, checks } = judgement;
  const sourcesJson = canonicalJson(snapshot.sources);
  const checksJson = canonicalJson(checks);
  // the facts whole (stored) and without collectedAt, which changes every time (hashed)
  const factsJson = canonicalJsonWithout(facts as unknown as Record<string, unknown>, "collectedAt");
  // byte for byte canonicalJson({ checks, facts: facts without collectedAt }): "checks" sorts first
  const judged = `{"checks":${checksJson},"facts":${factsJson.without}}`;
  const alertFacts: AlertFacts = {};
  if (facts.dumps !== undefined) alertFacts.dumps = facts.dumps;
  if (facts.dumpTarget !== undefined) alertFacts.dumpTarget = facts.dumpTarget;
  return {
    verdict: judgement.verdict,
    checks,
    facts: alertFacts,
    failing: failingChecks(checks),
    listing: listingFacts(facts),
    contentHash: sha256Hex(sourcesJson),
    judgementHash: sha256Hex(judged),
    sourcesJson,
    checksJson,
    factsJson: factsJson.full,
  };
}
