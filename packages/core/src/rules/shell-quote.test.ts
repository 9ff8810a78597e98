import { anyText } from "@kdumpwatch/testkit/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { shellCommand, shellQuote } from "./shell-quote.ts";

/**
 * A POSIX sh word splitter for the subset shellQuote emits (bare words, '…' strings, and the
 * `'\''` idiom) — enough to prove round trips here; the end-to-end test in
 * test/e2e/remediation-quoting.test.ts feeds the same commands to a real /bin/sh.
 */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === " ") {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === "\\") {
      word = (word ?? "") + line[i + 1]!;
      i += 2;
    } else {
      if (!/[A-Za-z0-9_@%+=:,./-]/.test(c))
        throw new Error(`unquoted special ${JSON.stringify(c)} in ${line}`);
      word = (word ?? "") + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Names an attacker could give a dump directory, device or kernel: shell syntax of every kind. */
const hostile = fc
  .oneof(
    anyText({ minLength: 1, maxLength: 60 }),
    fc
      .array(
        fc.constantFrom(
          "$(",
          ")",
          "`",
          "'",
          '"',
          "\\",
          ";",
          "|",
          "&",
          "*",
          "?",
          "~",
          " ",
          "\n",
          "\t",
          "$IFS",
          "#",
          "!",
          "{",
          "}",
          "a",
          "/",
          "-",
        ),
        {
          minLength: 1,
          maxLength: 30,
        },
      )
      .map((a) => a.join("")),
  )
  .filter((s) => !s.includes("\u0000"));

describe("shellQuote", () => {
  test("a hostile host-derived string parses back to exactly one identical argument", () => {
    fc.assert(
      fc.property(hostile, hostile, (dir, name) => {
        const line = shellCommand("sudo ls -lR", `${dir}/${name}`);
        expect(splitWords(line)).toEqual(["sudo", "ls", "-lR", `${dir}/${name}`]);
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ["/var/crash", "/var/crash"],
    ["/var/crash dir", "'/var/crash dir'"],
    ["$(reboot)", "'$(reboot)'"],
    ["it's", "'it'\\''s'"],
    ["", "''"],
  ])("%j → %s", (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});
