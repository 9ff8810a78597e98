import { describe, expect, test } from "vitest";
import { canonicalJson, canonicalJsonWithout } from "./index.ts";

describe("canonicalJson", () => {
  test.each([
    ["keys are sorted at every depth", { b: 1, a: { d: [2, 1], c: "x" } }, '{"a":{"c":"x","d":[2,1]},"b":1}'],
    ["undefined properties are left out", { a: undefined, b: true }, '{"b":true}'],
    [
      "strings are escaped as JSON.stringify does",
      { "k\n": 'q"\u2028' },
      JSON.stringify({ "k\n": 'q"\u2028' }),
    ],
    ["null and numbers stay as they are", { z: null, y: 1.5 }, '{"y":1.5,"z":null}'],
    ["undefined and functions in arrays become null", [undefined, () => 1, 2], "[null,null,2]"],
    [
      "function properties are left out, empty containers kept",
      { f: () => 1, e: {}, l: [] },
      '{"e":{},"l":[]}',
    ],
    ["integer-like keys sort as strings", { 10: "a", 2: "b", a: 1 }, '{"10":"a","2":"b","a":1}'],
  ])("%s", (_name, input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });

  test.each([
    ["negative zero", -0, "0"],
    [
      "not-a-number and infinities become null",
      [Number.NaN, Number.POSITIVE_INFINITY, -Infinity],
      "[null,null,null]",
    ],
    [
      "large and small numbers as JSON.stringify writes them",
      [1e21, 5e-7, -1.25, 2 ** 53],
      "[1e+21,5e-7,-1.25,9007199254740992]",
    ],
    ["booleans", { t: true, f: false }, '{"f":false,"t":true}'],
    ["a top-level undefined or function is null", [undefined, () => 1], "[null,null]"],
  ])("scalars: %s", (_name, input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });

  test("gives the text of the plain definition (JSON.stringify per value, keys sorted, joined per level)", () => {
    // the definition written the obvious way: canonicalJson's faster writer must not drift from it
    const reference = (value: unknown): string => {
      if (Array.isArray(value))
        return `[${value.map((v) => (v === undefined ? "null" : reference(v))).join(",")}]`;
      if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
      const record = value as Record<string, unknown>;
      const entries = Object.keys(record)
        .sort()
        .filter((k) => record[k] !== undefined && typeof record[k] !== "function")
        .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`);
      return `{${entries.join(",")}}`;
    };
    const value = {
      sources: {
        meminfo: { ok: true, text: 'MemTotal: 1 kB\n\u0000\t"é😀' },
        df: { ok: false, error: "gone" },
      },
      checks: [{ id: "a", status: "fail", evidence: [{ line: 3, text: "x" }], n: -0, f: 0.1 + 0.2 }],
      facts: { z: null, a: [1, "2", [true, false, null]], nested: { b: { c: {} } }, u: undefined },
    };
    expect(canonicalJson(value), "the canonical text of a snapshot-like value").toBe(reference(value));
    // the key cache gives the same text on a second call (keys now remembered)
    expect(canonicalJson(value)).toBe(reference(value));
  });

  test("two objects with the same content in a different key order give the same text", () => {
    const one = { cmdline: { ok: true, text: "a" }, meminfo: { ok: false, error: "missing" } };
    const two = { meminfo: { error: "missing", ok: false }, cmdline: { text: "a", ok: true } };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });
});

describe("canonicalJsonWithout", () => {
  const facts = {
    identity: { hostname: "h", os: { id: "rhel" } },
    collectedAt: "2026-12-07T00:00:00Z",
    boot: { cmdline: "crashkernel=auto", list: [1, undefined] },
    gone: undefined,
    fn: () => 1,
    zeta: null,
  };

  test("gives canonicalJson of the object, and of the object without the property", () => {
    const { collectedAt: _left, ...rest } = facts;
    const { full, without } = canonicalJsonWithout(facts, "collectedAt");
    expect(full).toBe(canonicalJson(facts));
    expect(without).toBe(canonicalJson(rest));
    expect(without).not.toContain("collectedAt");
  });

  test("the property first, last, alone or absent", () => {
    const cases: Record<string, unknown>[] = [
      { a: 1, b: 2 },
      { b: 2, z: 3 },
      { z: 1 },
      { a: { z: 1 } },
      {},
      { z: undefined, a: 1 },
    ];
    for (const value of cases) {
      const { z: _z, ...rest } = value;
      expect(canonicalJsonWithout(value, "z"), JSON.stringify(value)).toEqual({
        full: canonicalJson(value),
        without: canonicalJson(rest),
      });
    }
  });

  test("a nested property of the same name stays", () => {
    const value = { a: { z: 1 }, z: 2 };
    expect(canonicalJsonWithout(value, "z").without).toBe('{"a":{"z":1}}');
  });
});
