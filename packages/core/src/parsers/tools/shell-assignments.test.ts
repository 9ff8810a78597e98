import { describe, expect, test } from "vitest";
import { parseShellAssignments } from "./shell-assignments.ts";

describe("parseShellAssignments", () => {
  test.each([
    ["unquoted", "A=1", "1"],
    ["double quotes", 'A="/var/crash"', "/var/crash"],
    ["single quotes keep $", "A='$HOME x'", "$HOME x"],
    ["export", "export A=yes", "yes"],
    ["trailing comment", "A=1   # one", "1"],
    ["hash inside a word is not a comment", "A=a#b", "a#b"],
    ["escaped quote", 'A="say \\"hi\\""', 'say "hi"'],
    ["concatenation", "A=\"a\"'b'c", "abc"],
    ["empty", "A=", ""],
    ["trailing blank (Ubuntu 14.04 file)", "A=0 ", "0"],
    ["CRLF", "A=1\r\n", "1"],
  ])("%s", (_n, text, value) => {
    const { value: v } = parseShellAssignments(text);
    expect(v.assignments.map((a) => a.value)).toEqual([value]);
  });

  test("expands earlier variables and the seeding environment", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion is the input under test
    const text = 'B="$A ${A}x ${UNSET:-dflt} $UNSET"\n';
    const { value } = parseShellAssignments(text, { A: "1" });
    expect(value.vars.B).toBe("1 1x dflt ");
  });

  test("a double quote spanning lines is one statement with its first line number", () => {
    const { value, issues } = parseShellAssignments('# c\nA="x\ny"\nB=2\n');
    expect(issues).toEqual([]);
    expect(value.assignments.map((a) => [a.name, a.value, a.line])).toEqual([
      ["A", "x\ny", 2],
      ["B", "2", 4],
    ]);
  });

  test("an unterminated quote, a command substitution and a non-assignment are issues", () => {
    const { issues } = parseShellAssignments('if [ -x /x ]; then\nA=$(uname -r)\nB="open\n');
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ["not-an-assignment", 1],
      ["unexpanded", 2],
      ["unterminated-quote", 3],
    ]);
  });
});
