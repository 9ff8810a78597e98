/**
 * Byte counts that stay exact through JSON. The kernel counts bytes in 64-bit unsigned integers
 * (`crashkernel=16383P`, `/sys/kernel/kexec_crash_size`, a 10 PiB dump target), but a JSON number
 * read by JavaScript is a double: from 2^53 on, neighbouring integers collapse (2^53 + 1 reads as
 * 2^53). So a `ByteCount` is
 *
 *     536870912                  a JSON number while it is a safe integer (below 2^53)
 *     "9007199254740993"         a canonical decimal string from 2^53 on
 *
 * Every size in HostFacts, in the API and in the dashboard is a ByteCount; existing JSON with
 * plain numbers below 2^53 is unchanged. One value has one spelling, so `===` compares two
 * ByteCounts exactly. The range is that of the kernel's `unsigned long long`: 0 to 2^64 − 1.
 */

/** A decimal string of digits without leading zeros (only used from 2^53 on). */
export type DecimalString = `${bigint}`;
export type ByteCount = number | DecimalString;

/** The largest count the kernel can express (`ULLONG_MAX`). */
export const BYTE_COUNT_MAX = (1n << 64n) - 1n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const CANONICAL_BIG = /^[1-9][0-9]{15,19}$/;

/** The ByteCount of an exact integer; null when it is negative, not an integer or above 2^64 − 1. */
export function toByteCount(value: bigint | number | null | undefined): ByteCount | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) return null;
    // a number at or above 2^53 is already rounded: keep the double's exact integer value
    return toByteCount(BigInt(value));
  }
  if (value < 0n || value > BYTE_COUNT_MAX) return null;
  return value <= SAFE_MAX ? Number(value) : (value.toString() as DecimalString);
}

/** True for a canonical ByteCount: a safe non-negative integer, or a decimal string in [2^53, 2^64). */
export function isByteCount(value: unknown): value is ByteCount {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0;
  if (typeof value !== "string" || !CANONICAL_BIG.test(value)) return false;
  const n = BigInt(value);
  return n > SAFE_MAX && n <= BYTE_COUNT_MAX;
}

/** The exact value. Accepts any ByteCount (also a non-canonical one: it is only read). */
export function byteCountToBigInt(value: ByteCount): bigint {
  return typeof value === "number" ? BigInt(Math.trunc(value)) : BigInt(value);
}

/** The nearest double: for ratios, bar widths and rounding to units, never for comparisons. */
export function byteCountToNumber(value: ByteCount): number {
  return typeof value === "number" ? value : Number(value);
}

/** −1, 0 or 1, exactly. */
export function compareByteCounts(a: ByteCount, b: ByteCount): -1 | 0 | 1 {
  const x = byteCountToBigInt(a);
  const y = byteCountToBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The exact sum, or null when any term is unknown (or the sum leaves the kernel's range). */
export function sumByteCounts(values: readonly (ByteCount | null)[]): ByteCount | null {
  let sum = 0n;
  for (const v of values) {
    if (v === null) return null;
    sum += byteCountToBigInt(v);
  }
  return toByteCount(sum);
}
