import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { anyCodePoint, anyText, anyUtf16Text } from "./any-text.ts";

describe("anyText", () => {
  test("every generated unit is one Unicode scalar value, from NUL to U+10FFFF, never a surrogate half", () => {
    fc.assert(
      fc.property(anyCodePoint, (c) => {
        const cp = c.codePointAt(0) ?? -1;
        return [...c].length === 1 && cp >= 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
      }),
      { numRuns: 2000 },
    );
  });

  test("the edges of the range are reached: NUL, the last BMP character before the surrogates, U+E000, U+10FFFF", () => {
    const seen = new Set(fc.sample(anyCodePoint, 20_000).map((c) => c.codePointAt(0)));
    expect(seen.has(0)).toBe(true);
    expect(seen.has(0x10ffff)).toBe(true);
    expect([...seen].some((cp) => cp !== undefined && cp < 0x80)).toBe(true);
    expect([...seen].some((cp) => cp !== undefined && cp >= 0xe000 && cp <= 0xffff)).toBe(true);
  });

  test("length constraints count characters, as fast-check's own string units do", () => {
    for (const s of fc.sample(anyText({ minLength: 2, maxLength: 5 }), 500)) {
      expect([...s].length).toBeGreaterThanOrEqual(2);
      expect([...s].length).toBeLessThanOrEqual(5);
    }
  });

  test("anyUtf16Text reaches lone surrogate halves, which anyText never yields", () => {
    const lone = (s: string) => /[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""));
    expect(fc.sample(anyUtf16Text({ minLength: 20, maxLength: 40 }), 500).some(lone)).toBe(true);
    expect(fc.sample(anyText({ maxLength: 40 }), 500).some(lone)).toBe(false);
  });
});
