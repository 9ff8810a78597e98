/**
 * The single entry point of judging: a raw snapshot in, the verdict, the checks in catalogue order
 * and the facts they rest on out. The agent's `check` and the server's ingest both call it.
 */
import { CHECK_IDS, type CheckResult, type Verdict } from "./checks/check.ts";
import { buildFacts } from "./facts/build-facts.ts";
import type { HostFacts } from "./facts/host-facts.ts";
import { evaluateReadiness } from "./readiness.ts";
import { RULES } from "./rules/rules.ts";
import type { Snapshot } from "./sources.ts";

export interface Judgement {
  verdict: Verdict;
  checks: CheckResult[];
  facts: HostFacts;
}

/** Runs every rule over the facts, in catalogue order. */
export function judgeFacts(facts: HostFacts, now: Date): Omit<Judgement, "facts"> {
  const checks = CHECK_IDS.map((id) => RULES[id](facts, now));
  return { verdict: evaluateReadiness(checks), checks };
}

export function judgeSnapshot(snapshot: Snapshot, now: Date): Judgement {
  const facts = buildFacts(snapshot);
  return { ...judgeFacts(facts, now), facts };
}
