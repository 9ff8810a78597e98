export type { ByteCount, DecimalString } from "./byte-count.ts";
export {
  BYTE_COUNT_MAX,
  byteCountToBigInt,
  byteCountToNumber,
  compareByteCounts,
  isByteCount,
  sumByteCounts,
  toByteCount,
} from "./byte-count.ts";
export type { CheckId, CheckResult, CheckStatus, Evidence, Verdict } from "./checks/check.ts";
export { CHECK_IDS, CHECK_STATUSES, CRITICAL_CHECKS, VERDICTS } from "./checks/check.ts";
export { CHECK_EVIDENCE } from "./checks/check-evidence.ts";
export * from "./judge-exports.ts";
export * from "./parsers/kernel/index.ts";
export * from "./parsers/tools/index.ts";
export type { Snapshot, SourceError, SourceId, SourceResult } from "./sources.ts";
export { SOURCE_ERRORS, SOURCE_IDS, sourceText } from "./sources.ts";
