import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  BYTE_COUNT_MAX,
  byteCountToBigInt,
  compareByteCounts,
  isByteCount,
  sumByteCounts,
  toByteCount,
} from "./byte-count.ts";

const TWO_53 = 2n ** 53n;

describe("ByteCount: a number below 2^53, a decimal string from 2^53 on", () => {
  test.each<[bigint, number | string]>([
    [0n, 0],
    [536870912n, 536870912],
    [TWO_53 - 1n, Number.MAX_SAFE_INTEGER],
    [TWO_53, "9007199254740992"],
    [TWO_53 + 1n, "9007199254740993"],
    [BYTE_COUNT_MAX, "18446744073709551615"],
  ])("%s bytes is written %j", (value, written) => {
    expect(toByteCount(value)).toBe(written);
  });

  test.each<[bigint | number]>([[-1n], [BYTE_COUNT_MAX + 1n], [-1], [1.5], [Number.NaN]])(
    "%s is not a byte count",
    (value) => {
      expect(toByteCount(value)).toBeNull();
    },
  );

  test("2^53 + 1 survives a JSON round trip, where a plain number would not", () => {
    const exact = toByteCount(TWO_53 + 1n);
    const back = JSON.parse(JSON.stringify({ bytes: exact })) as { bytes: `${bigint}` };
    expect(byteCountToBigInt(back.bytes)).toBe(TWO_53 + 1n);
    expect(BigInt(JSON.parse(JSON.stringify(Number(TWO_53 + 1n))))).not.toBe(TWO_53 + 1n);
  });

  test.each<[unknown, boolean]>([
    [0, true],
    [Number.MAX_SAFE_INTEGER, true],
    [2 ** 53, false],
    [-1, false],
    [1.5, false],
    ["9007199254740993", true],
    ["9007199254740991", false],
    ["09007199254740993", false],
    ["18446744073709551616", false],
    ["1e20", false],
    [null, false],
  ])("isByteCount(%j) is %s: one spelling per value", (value, ok) => {
    expect(isByteCount(value)).toBe(ok);
  });

  test("every value has exactly one spelling, and comparisons and sums are exact", () => {
    const big = fc.bigInt({ min: 0n, max: BYTE_COUNT_MAX });
    fc.assert(
      fc.property(big, big, (a, b) => {
        const x = toByteCount(a);
        const y = toByteCount(b);
        if (x === null || y === null) throw new Error("in range");
        expect(isByteCount(x)).toBe(true);
        expect(byteCountToBigInt(x)).toBe(a);
        expect(x === y).toBe(a === b);
        expect(compareByteCounts(x, y)).toBe(a < b ? -1 : a > b ? 1 : 0);
        const sum = sumByteCounts([x, y]);
        expect(sum === null ? null : byteCountToBigInt(sum)).toBe(a + b > BYTE_COUNT_MAX ? null : a + b);
      }),
      { numRuns: 500 },
    );
  });
});
