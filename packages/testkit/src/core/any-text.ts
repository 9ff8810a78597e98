import fc from "fast-check";

/** Code points below the surrogate block; the rest are shifted past it (0xD800–0xDFFF are not characters). */
const SURROGATES = 0x800;

/**
 * Any Unicode scalar value as a string (every code point but the surrogate halves): the values of
 * fast-check's `fc.string({ unit: "binary" })`, without the table fast-check 4.10 builds for that
 * unit on first use — a Map from each code point back to its index (`buildReverseMapping`), 4–5 s of
 * CPU per test file on the 2-core CI machine (measured with `node --cpu-prof`: 4.6 s in
 * `safeMapSet`), paid inside the first property's test timeout.
 */
export const anyCodePoint: fc.Arbitrary<string> = fc
  .integer({ min: 0, max: 0x10ffff - SURROGATES })
  .map((i) => String.fromCodePoint(i < 0xd800 ? i : i + SURROGATES));

/** Strings of any characters (the hostile input parser and quoting properties need). */
export function anyText(constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> {
  return fc.string({ ...constraints, unit: anyCodePoint });
}

/** Strings of arbitrary UTF-16 code units, so lone surrogate halves too (what a JS string can hold). */
export function anyUtf16Text(
  constraints: { minLength?: number; maxLength?: number } = {},
): fc.Arbitrary<string> {
  return fc.string({
    ...constraints,
    unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
  });
}
