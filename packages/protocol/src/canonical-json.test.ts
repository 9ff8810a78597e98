import { describe, expect, test } from "vitest";
import { canonicalJson } from "./index.ts";

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

  test("two objects with the same content in a different key order give the same text", () => {
    const one = { cmdline: { ok: true, text: "a" }, meminfo: { ok: false, error: "missing" } };
    const two = { meminfo: { error: "missing", ok: false }, cmdline: { text: "a", ok: true } };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });
});
