import { describe, expect, test } from "vitest";
import { endsMidLine, splitLines } from "./text-lines.ts";

describe("splitLines", () => {
  test.each([
    ["LF", "a\nb\n", ["a", "b"]],
    ["CRLF", "a\r\nb\r\n", ["a", "b"]],
    ["lone CR", "a\rb", ["a", "b"]],
    ["BOM", "\uFEFFa\n", ["a"]],
    ["no final newline", "a\nb", ["a", "b"]],
    ["blank lines kept", "a\n\nb\n", ["a", "", "b"]],
    ["tabs kept", "K:\t\tv\n", ["K:\t\tv"]],
    ["empty", "", []],
  ])("%s", (_n, text, want) => {
    expect(splitLines(text).map((l) => l.text)).toEqual(want);
  });

  test("line numbers are 1-based and a non-string reads as empty", () => {
    expect(splitLines("x\ny").map((l) => l.line)).toEqual([1, 2]);
    expect(splitLines(undefined)).toEqual([]);
  });

  test("endsMidLine tells whether the text stops inside a line", () => {
    expect([endsMidLine("a\n"), endsMidLine("a\r\n"), endsMidLine("a"), endsMidLine("")]).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });
});
