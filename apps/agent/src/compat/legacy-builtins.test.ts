import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { LEGACY_IMPLEMENTATIONS, stableSort } from "./legacy-builtins.ts";

// Node 20 has every one of these built in: each fill-in must give what the built-in gives.
const impl = LEGACY_IMPLEMENTATIONS;

describe("the fill-ins for Node 10.19 behave like the built-ins", () => {
  test.each([
    [[1, 2, 3], -1],
    [[1, 2, 3], 0],
    [[1, 2, 3], 5],
    [[1, 2, 3], -4],
    [[], -1],
    [[1, 2], 1.7],
  ])("Array.prototype.at(%j, %d)", (array, index) => {
    expect(impl["Array.prototype.at"].call(array, index)).toBe(array.at(index));
  });

  test("Array.prototype.findLast and flatMap, on any array", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.array(fc.integer(), { maxLength: 3 }))), (array) => {
        const odd = (v: unknown) => typeof v === "number" && v % 2 !== 0;
        expect(impl["Array.prototype.findLast"].call(array, odd)).toEqual(array.findLast(odd));
        const twice = (v: unknown) => [v, v];
        expect(impl["Array.prototype.flatMap"].call(array, twice)).toEqual(array.flatMap(twice));
        const same = (v: unknown) => v;
        expect(impl["Array.prototype.flatMap"].call(array, same)).toEqual(array.flatMap(same));
      }),
    );
  });

  test.each([
    ["a.b.c", ".", "/"],
    ["kernel.panic_on_oops", "_", "$&$&"],
    ["(x)(x)", "(x)", "y"],
    ["none", "z", "q"],
  ])("String.prototype.replaceAll(%j, %j, %j)", (text, search, replacement) => {
    expect(impl["String.prototype.replaceAll"].call(text, search, replacement)).toBe(
      text.replaceAll(search, replacement),
    );
  });

  test("String.prototype.replaceAll refuses a non-global RegExp, as the built-in does", () => {
    expect(() => impl["String.prototype.replaceAll"].call("aa", /a/, "b")).toThrow(TypeError);
    expect(impl["String.prototype.replaceAll"].call("aa", /a/g, "b")).toBe("bb");
  });

  test("Object.fromEntries", () => {
    const entries: Array<[string, number]> = [
      ["a", 1],
      ["b", 2],
      ["a", 3],
    ];
    expect(impl["Object.fromEntries"](entries)).toEqual(Object.fromEntries(entries));
  });

  test("the stable sort orders like Node 20's stable sort, even on top of an unstable one", () => {
    // a deliberately unstable "native" sort: reverses the input first, then sorts stably
    const unstable = function (this: unknown[], cmp?: (a: unknown, b: unknown) => number) {
      const copy = [...this].reverse().sort(cmp);
      for (let i = 0; i < copy.length; i++) this[i] = copy[i];
      return this;
    } as typeof Array.prototype.sort;
    const sort = stableSort(unstable);
    fc.assert(
      fc.property(fc.array(fc.record({ k: fc.integer({ min: 0, max: 3 }), id: fc.nat() })), (items) => {
        const byKey = (a: unknown, b: unknown) => (a as { k: number }).k - (b as { k: number }).k;
        expect(sort.call([...items], byKey)).toEqual([...items].sort(byKey));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constant(undefined))), (items) => {
        expect(sort.call([...items])).toEqual([...items].sort());
      }),
    );
  });
});
