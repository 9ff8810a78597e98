/**
 * The host page's crashkernel explainer, as data: the effective value, each range of it with the one
 * this host's RAM selects marked, and expected vs actually reserved. The kernel's own rules (which
 * token counts, memparse, rounding RAM up to 128 MiB, "invalid size") are not repeated here: they come
 * from core's facts and, for the range table, from core's parser.
 */
import { type ByteCount, compareByteCounts } from "@kdumpwatch/core";
import type { FactsView } from "./facts-view.ts";

type Outcome = "ok" | "short" | "none-reserved" | "not-configured" | "unknown";

export interface Explanation {
  effective: string | null;
  kind: "plain" | "high" | null;
  ramBytes: ByteCount | null;
  ramSource: string | null;
  /** what the kernel reserves for this value (the fewer bytes where the placement is not known) */
  expectedBytes: ByteCount | null;
  reservedBytes: ByteCount | null;
  suggestedBytes: ByteCount | null;
  uncertain: boolean;
  /** the value configured for the next boot, when it differs from the running one */
  pendingValue: string | null;
  pendingFile: string | null;
  problems: string[];
  outcome: Outcome;
}

export function explainCrashkernel(
  facts: FactsView,
  fallback: { ramBytes: ByteCount | null; reservedBytes: ByteCount | null },
): Explanation {
  const ck = facts.crashkernel;
  const ramBytes = facts.memory?.systemRamBytes ?? fallback.ramBytes;
  const reservedBytes = facts.reservation?.bytes ?? fallback.reservedBytes;
  const expectedBytes = ck?.expectedBytes ?? null;
  const effective = ck?.effective ?? null;
  let outcome: Outcome;
  if (!ck?.cmdlineRead) outcome = "unknown";
  else if (effective === null) outcome = "not-configured";
  else if (reservedBytes === null) outcome = "unknown";
  else if (reservedBytes === 0) outcome = "none-reserved";
  else if (expectedBytes !== null && compareByteCounts(reservedBytes, expectedBytes) < 0) outcome = "short";
  else outcome = "ok";
  const configured = facts.configured?.value ?? null;
  return {
    effective,
    kind: ck?.kind ?? null,
    ramBytes,
    ramSource: facts.memory?.systemRamSource ?? null,
    expectedBytes,
    reservedBytes,
    suggestedBytes: facts.kdump?.suggestedBytes ?? null,
    uncertain: ck?.uncertain ?? false,
    pendingValue: configured !== null && configured !== effective ? configured : null,
    pendingFile: configured !== null && configured !== effective ? (facts.configured?.file ?? null) : null,
    problems: ck?.problemDetails ?? [],
    outcome,
  };
}
