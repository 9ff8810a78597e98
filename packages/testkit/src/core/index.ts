/**
 * `@kdumpwatch/testkit/core`: support for core's tests. Hand-built hosts every rule passes on,
 * the per-family scenarios the check catalogue and the remediation tests share, and text
 * generators for the parsers' property tests, and the hostile shapes every parser must read in linear time. Imports core only, so core's tests load nothing with I/O.
 */
export { anyCodePoint, anyText, anyUtf16Text } from "./any-text.ts";
export { BREAK, breaksOn, brokenHosts, FAMILY_HOSTS, type Family, mergeFacts } from "./family-scenarios.ts";
export { fill, HOSTILE_SHAPES, TEXT_PARSERS, type TextParser } from "./hostile-text.ts";
export { type DeepPartial, readyRhel, readyUbuntu } from "./test-hosts.ts";
export { KIB, MEASURE, slowOnShape, type WorkRatioOptions, workRatio } from "./work-ratio.ts";
